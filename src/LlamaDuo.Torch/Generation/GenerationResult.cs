namespace LlamaDuo.Torch.Generation;

/// <summary>Why a row stopped: a stop token or string, or the token limit (max new tokens or the context).</summary>
public enum FinishReason
{
    Stop,
    Length,
}

/// <summary>One generated continuation: sample <see cref="SampleIndex"/> of prompt <see cref="PromptIndex"/>.</summary>
public sealed record GenerationResult(
    int PromptIndex,
    int SampleIndex,
    string Text,
    IReadOnlyList<int> TokenIds,
    FinishReason FinishReason,
    int PromptTokens)
{
    /// <summary>Tokens generated (the stop token, if any, is not counted or included).</summary>
    public int CompletionTokens => TokenIds.Count;
}

/// <summary>A streaming event: new text of one row as it is produced (held back while it could be part of a stop string).</summary>
public sealed record GenerationDelta(int PromptIndex, int SampleIndex, int TokenId, string Text);
