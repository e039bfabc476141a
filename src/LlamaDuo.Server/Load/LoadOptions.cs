namespace LlamaDuo.Server.Load;

/// <summary>
/// A closed-loop load: <see cref="Clients"/> clients each send one streaming request after another until
/// <see cref="Duration"/> has passed; requests still running then are allowed to finish and are counted.
/// </summary>
public sealed record LoadOptions
{
    public int Clients { get; init; } = 8;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);
    public int MaxTokens { get; init; } = 64;
    public string Prompt { get; init; } = "Once upon a time";
    public float Temperature { get; init; } = 0.8f;
}

/// <summary>What one streamed request produced: tokens generated and time to the first text.</summary>
public readonly record struct RequestStats(int Tokens, TimeSpan TimeToFirstToken);

/// <summary>Aggregate figures of a load run.</summary>
public sealed record LoadResult(long Tokens, int Requests, int Errors, TimeSpan Elapsed, IReadOnlyList<double> TtftMs, string? FirstError)
{
    public double TokensPerSecond => Tokens / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>An empty result to add rounds to.</summary>
    public static LoadResult Empty { get; } = new(0, 0, 0, TimeSpan.Zero, [], null);

    /// <summary>Two runs taken as one (their times add up): how interleaved rounds are summed.</summary>
    public LoadResult Plus(LoadResult other) => new(Tokens + other.Tokens, Requests + other.Requests, Errors + other.Errors,
        Elapsed + other.Elapsed, [.. TtftMs, .. other.TtftMs], FirstError ?? other.FirstError);
    public double TtftP50Ms => Percentile(0.50);
    public double TtftP99Ms => Percentile(0.99);

    double Percentile(double p)
    {
        if (TtftMs.Count == 0) return double.NaN;
        var sorted = TtftMs.Order().ToArray();
        // Nearest-rank: the smallest value with at least p of the samples at or below it.
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
