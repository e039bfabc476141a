namespace LlamaDuo.Service.Batch;

/// <summary>
/// A batch's state as one poll saw it. <see cref="Status"/> is the provider's own word (OpenAI: validating,
/// in_progress, finalizing, completed, failed, expired, cancelling, cancelled; Anthropic: in_progress, canceling,
/// ended). <see cref="Failure"/> is set when the batch failed as a whole (OpenAI's validation errors).
/// </summary>
internal sealed record BatchState(string Id, string Status, bool Ended, int Total, int Succeeded, int Failed,
    string? Failure = null)
{
    /// <summary>"in_progress: 40/100 done, 2 failed".</summary>
    public override string ToString() => $"{Status}: {Succeeded + Failed}/{Total} done, {Failed} failed";
}
