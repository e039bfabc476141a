using System.Collections.Concurrent;

namespace LlamaDuo.Service.Demo.Host;

/// <summary>The demo service's own count of chat requests, by outcome ("ok", "429", "500", "timeout", ...).</summary>
public sealed class DemoServiceStats
{
    readonly ConcurrentDictionary<string, int> _byOutcome = new();
    int _total;
    int _batches;
    int _batchLines;

    /// <summary>Chat requests received (counted on arrival, whatever happened next).</summary>
    public int ChatRequests => Volatile.Read(ref _total);

    /// <summary>A copy of the counts by outcome.</summary>
    public IReadOnlyDictionary<string, int> ByOutcome => new Dictionary<string, int>(_byOutcome);

    /// <summary>Requests that got a normal answer.</summary>
    public int Answered => _byOutcome.GetValueOrDefault("ok");

    /// <summary>Provider batches created (OpenAI and Anthropic endpoints together).</summary>
    public int BatchesCreated => Volatile.Read(ref _batches);

    /// <summary>Batch lines processed (answered, failed or expired).</summary>
    public int BatchLines => Volatile.Read(ref _batchLines);

    internal void BatchCreated() => Interlocked.Increment(ref _batches);

    internal void BatchLine() => Interlocked.Increment(ref _batchLines);

    internal void Arrived() => Interlocked.Increment(ref _total);

    internal void Count(string outcome) => _byOutcome.AddOrUpdate(outcome, 1, (_, n) => n + 1);
}
