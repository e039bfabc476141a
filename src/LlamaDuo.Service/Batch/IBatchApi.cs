namespace LlamaDuo.Service.Batch;

/// <summary>One provider's batch API, reduced to the three steps the batching client takes.</summary>
internal interface IBatchApi
{
    /// <summary>Provider name as in config (openai, anthropic, demo, openai-compatible).</summary>
    string Provider { get; }

    /// <summary>Creates a batch of <paramref name="requests"/> for <paramref name="model"/>; returns the provider's batch id.</summary>
    Task<string> SubmitAsync(IReadOnlyList<BatchRequest> requests, string model, string stage, CancellationToken ct);

    /// <summary>The batch's current state; throws <see cref="BatchApiException"/> with status 404 when the provider does not know it.</summary>
    Task<BatchState> PollAsync(string batchId, CancellationToken ct);

    /// <summary>Every result of an ended batch, by custom id (requests with no result line are absent).</summary>
    Task<IReadOnlyDictionary<string, BatchResult>> ResultsAsync(string batchId, CancellationToken ct);
}
