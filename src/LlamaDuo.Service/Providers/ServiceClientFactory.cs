using LlamaDuo.Service.Cache;
using LlamaDuo.Service.Ledger;
using LlamaDuo.Service.Middleware;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Providers;

/// <summary>
/// Builds a <see cref="ServiceClient"/> from <see cref="ServiceOptions"/>. Validation runs first, so a bad config
/// (unknown provider, unset key variable, malformed price) fails with an InputException before any call.
/// The stack, outermost first: ledger, cache, logging, retries, limits, attempt timeout, provider SDK, HTTP observer.
/// </summary>
public static class ServiceClientFactory
{
    /// <summary>Validates <paramref name="options"/> and composes the client.</summary>
    public static ServiceClient Create(ServiceOptions options, ServiceClientParts? parts = null)
    {
        parts ??= new ServiceClientParts();
        var apiKey = options.Validate(parts.Environment);
        var prices = options.ResolvePrices();

        var http = ProviderClients.CreateHttp(options, apiKey, parts.HttpHandler ?? new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = Math.Max(options.MaxConcurrency, 2),
        });

        var ownsLedger = parts.Ledger is null;
        var ledger = parts.Ledger ?? new CallLedger(options.LedgerPath);
        var ownsCache = parts.Cache is null;
        var cache = parts.Cache ?? (options.CachePath is null ? null : new ResponseCache(options.CachePath));

        var builder = new ChatClientBuilder(ProviderClients.Create(options, apiKey, http))
            .UseLedger(ledger, prices, options.Provider, options.Model, apiKey);
        if (cache is not null) builder.UseResponseCache(cache, options.Provider, options.ResolvedBaseUrl, options.Model);
        if (parts.LoggerFactory is not null) builder.UseLogging(parts.LoggerFactory);
        builder
            .UseRetries(new RetryOptions
            {
                MaxRetries = options.MaxRetries,
                BaseDelay = TimeSpan.FromSeconds(options.RetryBaseDelayS),
                MaxDelay = TimeSpan.FromSeconds(options.RetryMaxDelayS),
            }, parts.Jitter, parts.LoggerFactory, apiKey)
            .UseRateLimits(new RateLimitOptions(options.RequestsPerMinute, options.TokensPerMinute, options.MaxConcurrency))
            .UseAttemptTimeout(TimeSpan.FromSeconds(options.TimeoutS));

        return new ServiceClient(builder.Build(), options, ledger, cache, () =>
        {
            http.Dispose();
            if (ownsLedger) ledger.Dispose();
            if (ownsCache) cache?.Dispose();
        });
    }
}
