using LlamaDuo.Models.Tokenizers;

namespace LlamaDuo.Torch.Generation;

/// <summary>The state of one (prompt, sample) row while it decodes: its tokens, text and stop checks.</summary>
internal sealed class GenerationRow(int promptIndex, int sampleIndex, IReadOnlyList<int> prompt, int maxNew, TorchSharp.torch.Generator rng)
{
    private readonly List<int> completion = [];
    private int emittedChars;

    public int PromptIndex { get; } = promptIndex;
    public int SampleIndex { get; } = sampleIndex;
    public IReadOnlyList<int> Prompt { get; } = prompt;
    public TorchSharp.torch.Generator Rng { get; } = rng;
    public bool Finished { get; private set; }
    public FinishReason Reason { get; private set; } = FinishReason.Length;
    public string Text { get; private set; } = "";

    /// <summary>
    /// Adds one generated token; returns the text that became final (not possibly part of a stop string or an
    /// unfinished UTF-8 sequence), for streaming.
    /// </summary>
    public string Add(int token, ITokenizer tokenizer, GenerationOptions o, IReadOnlyList<int> stopIds)
    {
        if (Finished) return "";
        if (stopIds.Contains(token)) return Finish(FinishReason.Stop, tokenizer);
        completion.Add(token);
        Text = tokenizer.Decode(completion, skipSpecial: true);
        foreach (var stop in o.StopStrings)
        {
            var at = Text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0)
            {
                Text = Text[..at];
                return Finish(FinishReason.Stop, tokenizer, decode: false);
            }
        }
        if (completion.Count >= maxNew) return Finish(FinishReason.Length, tokenizer, decode: false);
        var holdBack = o.StopStrings.Count == 0 ? 0 : o.StopStrings.Max(s => s.Length) - 1;
        var safe = Text.Length - holdBack;
        while (safe > emittedChars && (Text[safe - 1] == '\uFFFD' || char.IsHighSurrogate(Text[safe - 1]))) safe--;
        return Emit(Math.Max(safe, emittedChars));
    }

    private string Finish(FinishReason reason, ITokenizer tokenizer, bool decode = true)
    {
        Finished = true;
        Reason = reason;
        if (decode) Text = tokenizer.Decode(completion, skipSpecial: true);
        return Emit(Text.Length);
    }

    private string Emit(int upTo)
    {
        if (upTo <= emittedChars) return "";
        var delta = Text[emittedChars..upTo];
        emittedChars = upTo;
        return delta;
    }

    public GenerationResult ToResult() => new(PromptIndex, SampleIndex, Text, completion.ToArray(), Reason, Prompt.Count);
}
