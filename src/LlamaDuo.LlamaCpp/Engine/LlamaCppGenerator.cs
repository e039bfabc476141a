using LLama;
using LLama.Native;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.LlamaCpp.Engine;

/// <summary>
/// Generates for up to <see cref="Sequences"/> prompts at once in one llama.cpp context: every prompt is a sequence
/// id in the same llama_batch, prefilled together, then each step decodes one new token per unfinished sequence in
/// a single batch. Not thread-safe: one call at a time per generator.
/// </summary>
public sealed class LlamaCppGenerator : IDisposable
{
    readonly LlamaCppModel _model;
    readonly LLamaContext _context;

    /// <summary>A context of <paramref name="sequences"/> slots of <paramref name="contextLength"/> tokens (prompt and completion) each.</summary>
    public LlamaCppGenerator(LlamaCppModel model, int contextLength, int sequences = 1)
    {
        _model = model;
        ContextLength = contextLength;
        Sequences = sequences;
        _context = model.CreateContext(contextLength, sequences);
    }

    public int ContextLength { get; }
    public int Sequences { get; }

    /// <summary>
    /// Completes each prompt (token ids, BOS included when wanted). <paramref name="onText"/> receives
    /// (prompt index, new text) as tokens arrive, stop strings held back until resolved.
    /// </summary>
    public IReadOnlyList<LlamaCppCompletion> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, LlamaCppRequest request,
        Action<int, string>? onText = null, CancellationToken ct = default)
    {
        if (prompts.Count == 0 || prompts.Count > Sequences)
            throw new ArgumentException($"between 1 and {Sequences} prompts per call, got {prompts.Count}.", nameof(prompts));
        for (int s = 0; s < prompts.Count; s++)
        {
            if (prompts[s].Count == 0) throw new InputException("the prompt is empty", field: "prompt");
            if (prompts[s].Count >= ContextLength)
                throw new InputException($"the prompt has {prompts[s].Count} tokens; the context holds {ContextLength}", field: "prompt");
        }

        var handle = _context.NativeHandle;
        handle.MemoryClear(true);
        var random = request.Sampling.Seed is { } seed ? new Random(seed) : new Random();
        var stops = request.StopStrings ?? [];
        var states = prompts.Select(p => new SequenceState(p.Count, new StopStringScanner(stops))).ToArray();

        var batch = new LLamaBatch();
        var logitIndex = new int[prompts.Count];
        for (int s = 0; s < prompts.Count; s++)
            for (int i = 0; i < prompts[s].Count; i++)
            {
                int at = batch.Add(prompts[s][i], i, (LLamaSeqId)s, logits: i == prompts[s].Count - 1);
                if (i == prompts[s].Count - 1) logitIndex[s] = at;
            }

        while (true)
        {
            ct.ThrowIfCancellationRequested();
            LlamaCppNative.Check(handle.Decode(batch), _model.Path);
            var next = new List<(int Sequence, int Token)>();
            for (int s = 0; s < prompts.Count; s++)
            {
                var state = states[s];
                if (state.Finish is not null) continue;
                int token = request.Sampling.Pick(handle.GetLogitsIth(logitIndex[s]), random);
                if (_model.IsEndOfGeneration(token)) { state.Finish = "stop"; Emit(onText, s, state.Scanner.Flush()); continue; }
                state.Tokens.Add(token);
                Emit(onText, s, state.Scanner.Append(_model.TokenBytes(token)));
                if (state.Scanner.Stopped) state.Finish = "stop";
                else if (state.Tokens.Count >= request.MaxNewTokens || state.Position >= ContextLength)
                {
                    state.Finish = "length";
                    Emit(onText, s, state.Scanner.Flush());
                }
                else next.Add((s, token));
            }
            if (next.Count == 0) break;
            batch.Clear();
            foreach (var (s, token) in next)
            {
                logitIndex[s] = batch.Add(token, states[s].Position, (LLamaSeqId)s, logits: true);
                states[s].Position++;
            }
        }
        return states.Select(st => new LlamaCppCompletion(st.Tokens, st.Scanner.Text, st.PromptTokens, st.Finish!)).ToList();
    }

    static void Emit(Action<int, string>? onText, int sequence, string text)
    {
        if (onText is not null && text.Length > 0) onText(sequence, text);
    }

    public void Dispose() => _context.Dispose();

    sealed class SequenceState(int promptTokens, StopStringScanner scanner)
    {
        public int PromptTokens { get; } = promptTokens;
        public StopStringScanner Scanner { get; } = scanner;
        public List<int> Tokens { get; } = [];
        /// <summary>Position the next fed token takes (the prompt occupies 0..PromptTokens-1).</summary>
        public int Position { get; set; } = promptTokens;
        public string? Finish { get; set; }
    }
}
