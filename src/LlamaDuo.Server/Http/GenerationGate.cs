using System.Threading.RateLimiting;

namespace LlamaDuo.Server.Http;

/// <summary>
/// At most N generations at once; up to a bounded number of requests wait in arrival order; beyond that a request
/// is refused with 429 and Retry-After instead of piling up memory and latency.
/// </summary>
internal sealed class GenerationGate(int parallel, int queueLimit, int retryAfterSeconds) : IDisposable
{
    readonly ConcurrencyLimiter limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = parallel,
        QueueLimit = queueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Waits for a slot; dispose the lease when the generation is done.</summary>
    public async Task<RateLimitLease> EnterAsync(CancellationToken ct)
    {
        var lease = await limiter.AcquireAsync(1, ct);
        if (lease.IsAcquired) return lease;
        lease.Dispose();
        throw new ApiException(429, "The server is busy: every generation slot is taken and the queue is full. Retry later.",
            "rate_limit_exceeded", code: "rate_limit_exceeded") { RetryAfterSeconds = retryAfterSeconds };
    }

    /// <summary>Generations running now.</summary>
    public long Running => parallel - (limiter.GetStatistics()?.CurrentAvailablePermits ?? parallel);

    /// <summary>Requests waiting for a slot.</summary>
    public long Queued => limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    public void Dispose() => limiter.Dispose();
}
