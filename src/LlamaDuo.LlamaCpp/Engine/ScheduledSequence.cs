namespace LlamaDuo.LlamaCpp.Engine;

/// <summary>
/// One request inside <see cref="LlamaCppBatchScheduler"/>: its prompt, options and own random stream (so its
/// samples do not depend on which other requests share the decode), the slot (llama.cpp sequence id) it holds while
/// active, and the completion it hands back when it leaves.
/// </summary>
sealed class ScheduledSequence(IReadOnlyList<int> prompt, LlamaCppRequest request, Action<string>? onText, CancellationToken ct)
{
    public IReadOnlyList<int> Prompt { get; } = prompt;
    public LlamaCppRequest Request { get; } = request;
    public CancellationToken Cancellation { get; } = ct;
    public Random Random { get; } = request.Sampling.Seed is { } seed ? new Random(seed) : new Random();
    public StopStringScanner Scanner { get; } = new(request.StopStrings ?? []);
    public List<int> Tokens { get; } = [];
    public TaskCompletionSource<LlamaCppCompletion> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Identity shared by the K samples of one prompt submitted as a group, or null.</summary>
    public object? Group { get; init; }

    /// <summary>The group member whose prefill this one shares in its admission step (its KV cells are copied after the decode), or null.</summary>
    public ScheduledSequence? PrefillFrom { get; set; }

    /// <summary>The cancellation callback, disposed when the sequence leaves.</summary>
    public CancellationTokenRegistration Registration { get; set; }

    /// <summary>llama.cpp sequence id while active; -1 while waiting.</summary>
    public int Slot { get; set; } = -1;

    /// <summary>Position the next fed token takes (the prompt occupies 0..Prompt.Count-1).</summary>
    public int Position { get; set; }

    /// <summary>Token sampled last step, to be fed in the next decode; null right after admission (the prompt is fed).</summary>
    public int? NextToken { get; set; }

    /// <summary>Index of this sequence's logits row in the current batch, or -1 when it has none this step.</summary>
    public int LogitIndex { get; set; } = -1;

    /// <summary>Takes one sampled token: emits its text and says whether the sequence has finished (then <see cref="Completion"/> is set).</summary>
    public bool Accept(int token, LlamaCppModel model, int slotLength)
    {
        if (model.IsEndOfGeneration(token))
        {
            Emit(Scanner.Flush());
            return Finish("stop");
        }
        Tokens.Add(token);
        Emit(Scanner.Append(model.TokenBytes(token)));
        if (Scanner.Stopped) return Finish("stop");
        if (Tokens.Count >= Request.MaxNewTokens || Position >= slotLength)
        {
            Emit(Scanner.Flush());
            return Finish("length");
        }
        NextToken = token;
        return false;
    }

    /// <summary>The finished completion, handed to <see cref="Result"/> once the slot is free (see the scheduler's Leave).</summary>
    public LlamaCppCompletion? Completion { get; private set; }

    bool Finish(string reason)
    {
        Completion = new LlamaCppCompletion(Tokens, Scanner.Text, Prompt.Count, reason);
        return true;
    }

    void Emit(string text)
    {
        if (onText is not null && text.Length > 0) onText(text);
    }
}
