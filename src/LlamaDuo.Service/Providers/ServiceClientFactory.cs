using LlamaDuo.Service.Batch;
using LlamaDuo.Service.Cache;
using LlamaDuo.Service.Ledger;
using LlamaDuo.Service.Middleware;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Providers;

/// <summary>
/// Builds a <see cref="ServiceClient"/> from <see cref="ServiceOptions"/>. Validation runs first, so a bad config
/// (unknown provider, unset key variable, negative price) fails with an InputException before any call.
/// The stack, outermost first: OpenTelemetry (GenAI spans and metrics, off with no listener), ledger, cache, logging,
/// <see cref="ResilientChatClient"/> (retries, limits, attempt timeout: one Polly pipeline), provider SDK, HTTP observer.
/// In batch mode: OpenTelemetry, ledger, cache, logging, <see cref="BatchingChatClient"/> (which polls and retries its own requests;
/// per-call timeouts and rate limits do not apply to a batch that may run for hours).
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
            MaxConnectionsPerServer = Math.Max(options.Limits.Concurrency, 2),
        });

        var ownsLedger = parts.Ledger is null;
        var ledger = parts.Ledger ?? new CallLedger(parts.LedgerPath);
        var ownsCache = parts.Cache is null;
        var cache = !options.Cache ? null : parts.Cache ?? (parts.CachePath is null ? null : new ResponseCache(parts.CachePath));

        if (options.Batch.Enabled) return CreateBatching(options, parts, apiKey, prices, http, ledger, cache, ownsLedger, ownsCache);

        var builder = new ChatClientBuilder(ProviderClients.Create(options, apiKey, http))
            .UseServiceTelemetry()
            .UseLedger(ledger, prices, options.ProviderName, options.Model, apiKey);
        if (cache is not null) builder.UseResponseCache(cache, options.ProviderName, options.ResolvedBaseUrl, options.Model);
        if (parts.LoggerFactory is not null) builder.UseLogging(parts.LoggerFactory);
        builder.UseResilience(new ResilienceOptions(options.Retries, TimeSpan.FromSeconds(options.TimeoutSeconds),
            options.Limits.Rpm, options.Limits.Tpm, options.Limits.Concurrency, parts.Backoff ?? new RetryBackoff()),
            parts.Jitter, parts.LoggerFactory, apiKey);

        return new ServiceClient(builder.Build(), options, ledger, cache, () =>
        {
            http.Dispose();
            if (ownsLedger) ledger.Dispose();
            if (ownsCache) cache?.Dispose();
        });
    }

    static ServiceClient CreateBatching(ServiceOptions options, ServiceClientParts parts, string? apiKey, PriceTable prices, HttpClient http,
        CallLedger ledger, ResponseCache? cache, bool ownsLedger, bool ownsCache)
    {
        var ownedJournal = parts.BatchJournal is null && parts.BatchJournalPath is { } path ? new JsonlBatchJournal(path) : null;
        var journal = parts.BatchJournal ?? ownedJournal ?? (IBatchJournal)new MemoryBatchJournal();
        IBatchApi api = options.Provider == ServiceProvider.Anthropic
            ? new AnthropicBatchApi(http, options.ResolvedBaseUrl, apiKey)
            : new OpenAiBatchApi(http, options.ResolvedBaseUrl, apiKey ?? ProviderClients.NoKey, options.ProviderName);
        // Custom ids are the cache keys: stable across processes, 64 hex digits (Anthropic allows [a-zA-Z0-9_-]{1,64}).
        var batching = new BatchingChatClient(api, journal, options.Batch,
            (messages, o) => CacheKey.Compute(options.ProviderName, options.ResolvedBaseUrl, options.Model, messages, o),
            options.Model, parts.BatchProgress);

        var builder = new ChatClientBuilder(batching).UseServiceTelemetry().UseLedger(ledger, prices, options.ProviderName, options.Model, apiKey);
        if (cache is not null) builder.UseResponseCache(cache, options.ProviderName, options.ResolvedBaseUrl, options.Model);
        if (parts.LoggerFactory is not null) builder.UseLogging(parts.LoggerFactory);
        return new ServiceClient(builder.Build(), options, ledger, cache, () =>
        {
            http.Dispose();
            ownedJournal?.Dispose();
            if (ownsLedger) ledger.Dispose();
            if (ownsCache) cache?.Dispose();
        });
    }
}
