using LlamaDuo.Service.Batch;
using LlamaDuo.Service.Cache;
using LlamaDuo.Service.Ledger;
using LlamaDuo.Service.Middleware;
using Microsoft.Extensions.Logging;

namespace LlamaDuo.Service.Providers;

/// <summary>
/// Optional pieces for <see cref="ServiceClientFactory.Create"/>: shared ledger and cache (one per run for the
/// judge and the generator), a logger, the environment to read the key from, and for tests the HTTP handler and
/// the jitter source.
/// </summary>
public sealed record ServiceClientParts
{
    /// <summary>A ledger to record into instead of opening <see cref="LedgerPath"/> (not disposed by the client).</summary>
    public CallLedger? Ledger { get; init; }

    /// <summary>JSONL ledger file the client opens (and closes); null = an in-memory ledger.</summary>
    public string? LedgerPath { get; init; }

    /// <summary>A cache to use instead of opening <see cref="CachePath"/> (not disposed by the client); unused when options.Cache is false.</summary>
    public ResponseCache? Cache { get; init; }

    /// <summary>SQLite response cache file the client opens when options.Cache is on; null = no cache.</summary>
    public string? CachePath { get; init; }

    /// <summary>Logs each call (MEAI's logging middleware); messages only at Trace level, never the key.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Where the API key is read from; defaults to the process environment.</summary>
    public Func<string, string?>? Environment { get; init; }

    /// <summary>The innermost HTTP handler; defaults to a pooled SocketsHttpHandler.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>
    /// Batch mode: where batch ids are kept across processes (the run store). Null = a JSONL journal at
    /// <see cref="BatchJournalPath"/>, else an in-memory one. Not disposed by the client.
    /// </summary>
    public IBatchJournal? BatchJournal { get; init; }

    /// <summary>Batch mode: the JSONL batch journal to open when no <see cref="BatchJournal"/> is given.</summary>
    public string? BatchJournalPath { get; init; }

    /// <summary>Batch mode: one line per batch event (submitted, progress, ended, attached).</summary>
    public Action<string>? BatchProgress { get; init; }

    /// <summary>Backoff between retries; defaults to <see cref="RetryBackoff"/>'s (tests shorten it).</summary>
    public RetryBackoff? Backoff { get; init; }

    /// <summary>Jitter source for retry backoff; defaults to Random.Shared.</summary>
    public Random? Jitter { get; init; }
}
