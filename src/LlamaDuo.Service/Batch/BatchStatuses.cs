namespace LlamaDuo.Service.Batch;

/// <summary>The states a journalled batch goes through, in order; the last two are final.</summary>
internal static class BatchStatuses
{
    /// <summary>Created at the provider; results not ready yet.</summary>
    public const string Submitted = "submitted";

    /// <summary>The provider says it has ended (completed, failed, expired or cancelled); results can be fetched.</summary>
    public const string Ended = "ended";

    /// <summary>Final: every result was handed to its caller (the response cache answers repeats from now on).</summary>
    public const string Consumed = "consumed";

    /// <summary>Final: the provider no longer knows the batch (404) or it failed as a whole; its requests go in a new batch.</summary>
    public const string Abandoned = "abandoned";
}
