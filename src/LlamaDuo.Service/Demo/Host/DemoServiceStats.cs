using System.Collections.Concurrent;

namespace LlamaDuo.Service.Demo.Host;

/// <summary>The demo service's own count of chat requests, by outcome ("ok", "429", "500", "timeout", ...).</summary>
public sealed class DemoServiceStats
{
    readonly ConcurrentDictionary<string, int> _byOutcome = new();
    int _total;

    /// <summary>Chat requests received (counted on arrival, whatever happened next).</summary>
    public int ChatRequests => Volatile.Read(ref _total);

    /// <summary>A copy of the counts by outcome.</summary>
    public IReadOnlyDictionary<string, int> ByOutcome => new Dictionary<string, int>(_byOutcome);

    /// <summary>Requests that got a normal answer.</summary>
    public int Answered => _byOutcome.GetValueOrDefault("ok");

    internal void Arrived() => Interlocked.Increment(ref _total);

    internal void Count(string outcome) => _byOutcome.AddOrUpdate(outcome, 1, (_, n) => n + 1);
}
