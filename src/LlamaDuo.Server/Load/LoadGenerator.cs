using System.Collections.Concurrent;
using System.Diagnostics;

namespace LlamaDuo.Server.Load;

/// <summary>Runs a closed-loop load (see <see cref="LoadOptions"/>) with any "send one streaming request" function.</summary>
public static class LoadGenerator
{
    /// <summary>
    /// Runs the load. <paramref name="send"/> sends one request for (client index, sequence number) and reports its
    /// stats; throwing counts as an error and the client carries on.
    /// </summary>
    public static async Task<LoadResult> RunAsync(LoadOptions options, Func<int, int, CancellationToken, Task<RequestStats>> send,
        CancellationToken ct = default)
    {
        var ttft = new ConcurrentBag<double>();
        long tokens = 0;
        int requests = 0, errors = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();

        async Task ClientAsync(int client)
        {
            for (var sequence = 0; clock.Elapsed < options.Duration; sequence++)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    var stats = await send(client, sequence, ct);
                    Interlocked.Add(ref tokens, stats.Tokens);
                    Interlocked.Increment(ref requests);
                    ttft.Add(stats.TimeToFirstToken.TotalMilliseconds);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, $"{e.GetType().Name}: {e.Message}", null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Clients).Select(c => Task.Run(() => ClientAsync(c), ct)));
        return new LoadResult(tokens, requests, errors, clock.Elapsed, ttft.ToArray(), firstError);
    }
}
