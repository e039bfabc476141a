using System.Threading.RateLimiting;

namespace LlamaDuo.Server.Http;

/// <summary>
/// At most N generations at once; up to a bounded number of requests wait in arrival order; beyond that a request
/// is refused with 429 and Retry-After instead of piling up memory and latency. A request takes one slot per choice
/// (its choices run at once), and the queue bound counts the slots waited for.
/// </summary>
internal sealed class GenerationGate(int parallel, int queueLimit, int retryAfterSeconds) : IDisposable
{
    readonly ConcurrencyLimiter limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = parallel,
        QueueLimit = queueLimit,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>Waits for <paramref name="slots"/> slots (one per choice, at most the parallel bound); dispose the lease when done.</summary>
    public async Task<RateLimitLease> EnterAsync(int slots, CancellationToken ct)
    {
        var lease = await limiter.AcquireAsync(slots, ct);
        if (lease.IsAcquired) return lease;
        lease.Dispose();
        throw new ApiException(429, "The server is busy: every generation slot is taken and the queue is full. Retry later.",
            "rate_limit_exceeded", code: "rate_limit_exceeded") { RetryAfterSeconds = retryAfterSeconds };
    }

    /// <summary>Slots in use now (generations running).</summary>
    public long Running => parallel - (limiter.GetStatistics()?.CurrentAvailablePermits ?? parallel);

    /// <summary>Slots requests are waiting for.</summary>
    public long Queued => limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    public void Dispose() => limiter.Dispose();
}
