using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Middleware;

/// <summary>
/// Holds calls to a concurrency bound, a requests-per-minute and a tokens-per-minute budget. Each attempt (retries
/// included, since it sits inside the retry layer) takes one request permit and its token estimate: input
/// characters / 4 plus the requested max output tokens (capped at the burst). Buckets refill smoothly every 100 ms and allow a burst of
/// one second's worth, so a minute never sees more than the limit plus that burst.
/// </summary>
public sealed class RateLimitingChatClient : DelegatingChatClient
{
    readonly ConcurrencyLimiter _concurrency;
    readonly TokenBucketRateLimiter? _requests;
    readonly TokenBucketRateLimiter? _tokens;
    readonly int _tokenBurst;

    /// <summary>Wraps <paramref name="inner"/> with the given limits.</summary>
    public RateLimitingChatClient(IChatClient inner, RateLimitOptions limits) : base(inner)
    {
        _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, limits.MaxConcurrency),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _requests = PerMinute(limits.RequestsPerMinute);
        _tokens = PerMinute(limits.TokensPerMinute);
        _tokenBurst = Burst(limits.TokensPerMinute);
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        using var slot = await Acquire(_concurrency, 1, cancellationToken).ConfigureAwait(false);
        using var request = _requests is null ? null : await Acquire(_requests, 1, cancellationToken).ConfigureAwait(false);
        using var tokens = _tokens is null ? null : await Acquire(_tokens, Math.Min(_tokenBurst, EstimateTokens(list, options)), cancellationToken).ConfigureAwait(false);
        return await base.GetResponseAsync(list, ServiceCallTags.WithoutTags(options), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamingAdapter.FromResponseAsync(GetResponseAsync(messages, options, cancellationToken));

    /// <summary>Token estimate charged before a call: input characters / 4 plus max output tokens.</summary>
    public static int EstimateTokens(IEnumerable<ChatMessage> messages, ChatOptions? options) =>
        messages.Sum(m => m.Text.Length) / 4 + 1 + (options?.MaxOutputTokens ?? 0);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _concurrency.Dispose();
            _requests?.Dispose();
            _tokens?.Dispose();
        }
        base.Dispose(disposing);
    }

    static TokenBucketRateLimiter? PerMinute(int perMinute)
    {
        if (perMinute <= 0) return null;
        // k permits every k/perMinute minutes: an exact rate, refilled at most every ~100 ms.
        var k = Math.Max(1, perMinute / 600);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Burst(perMinute),
            TokensPerPeriod = k,
            ReplenishmentPeriod = TimeSpan.FromMinutes(k / (double)perMinute),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    static int Burst(int perMinute) => Math.Max(1, (int)Math.Ceiling(perMinute / 60.0));

    static async Task<RateLimitLease> Acquire(RateLimiter limiter, int permits, CancellationToken ct)
    {
        var lease = await limiter.AcquireAsync(permits, ct).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            throw new InvalidOperationException("rate limiter refused a permit although its queue is unbounded");
        }
        return lease;
    }
}
