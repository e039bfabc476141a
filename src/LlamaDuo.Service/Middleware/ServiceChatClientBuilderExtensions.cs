using LlamaDuo.Service.Cache;
using LlamaDuo.Service.Ledger;
using LlamaDuo.Service.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LlamaDuo.Service.Middleware;

/// <summary>Our middleware as <see cref="ChatClientBuilder"/> steps, in the style of MEAI's UseLogging.</summary>
internal static class ServiceChatClientBuilderExtensions
{
    /// <summary>Records every call in <paramref name="ledger"/>.</summary>
    public static ChatClientBuilder UseLedger(this ChatClientBuilder builder, CallLedger ledger, PriceTable prices, string provider, string model, string? secret = null) =>
        builder.Use(inner => new LedgerChatClient(inner, ledger, prices, provider, model, secret));

    /// <summary>Answers repeated calls from <paramref name="cache"/>.</summary>
    public static ChatClientBuilder UseResponseCache(this ChatClientBuilder builder, ResponseCache cache, string provider, string baseUrl, string model) =>
        builder.Use(inner => new ResponseCachingChatClient(inner, cache, provider, baseUrl, model));

    /// <summary>
    /// Retries transient failures with backoff honouring Retry-After, under concurrency and rate limits, with a
    /// timeout per attempt (one Polly pipeline); <paramref name="secret"/> is cut from error messages.
    /// </summary>
    public static ChatClientBuilder UseResilience(this ChatClientBuilder builder, ResilienceOptions options, Random? jitter = null, ILoggerFactory? loggers = null, string? secret = null) =>
        builder.Use(inner => new ResilientChatClient(inner, options, jitter, loggers?.CreateLogger<ResilientChatClient>(), secret));
}
