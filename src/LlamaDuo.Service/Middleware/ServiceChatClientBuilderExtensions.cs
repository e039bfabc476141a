using LlamaDuo.Service.Cache;
using LlamaDuo.Service.Ledger;
using LlamaDuo.Service.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlamaDuo.Service.Middleware;

/// <summary>Our middleware as <see cref="ChatClientBuilder"/> steps, in the style of MEAI's UseLogging.</summary>
public static class ServiceChatClientBuilderExtensions
{
    /// <summary>Records every call in <paramref name="ledger"/>.</summary>
    public static ChatClientBuilder UseLedger(this ChatClientBuilder builder, CallLedger ledger, PriceTable prices, string provider, string model, string? secret = null) =>
        builder.Use(inner => new LedgerChatClient(inner, ledger, prices, provider, model, secret));

    /// <summary>Answers repeated calls from <paramref name="cache"/>.</summary>
    public static ChatClientBuilder UseResponseCache(this ChatClientBuilder builder, ResponseCache cache, string provider, string baseUrl, string model) =>
        builder.Use(inner => new ResponseCachingChatClient(inner, cache, provider, baseUrl, model));

    /// <summary>Retries transient failures with backoff honouring Retry-After; <paramref name="secret"/> is cut from error messages.</summary>
    public static ChatClientBuilder UseRetries(this ChatClientBuilder builder, RetryOptions options, Random? jitter = null, ILoggerFactory? loggers = null, string? secret = null) =>
        builder.Use(inner => new RetryingChatClient(inner, options, jitter, loggers?.CreateLogger<RetryingChatClient>(), secret));

    /// <summary>Bounds concurrency, requests per minute and tokens per minute.</summary>
    public static ChatClientBuilder UseRateLimits(this ChatClientBuilder builder, RateLimitOptions limits) =>
        builder.Use(inner => new RateLimitingChatClient(inner, limits));

    /// <summary>Cancels a request on the wire after <paramref name="timeout"/> with a TimeoutException.</summary>
    public static ChatClientBuilder UseAttemptTimeout(this ChatClientBuilder builder, TimeSpan timeout) =>
        builder.Use(inner => new AttemptTimeoutChatClient(inner, timeout));
}
