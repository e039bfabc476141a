namespace LlamaDuo.Pipeline.Cost;

/// <summary>The assumptions of one cost case; every default is documented in docs/cost.md.</summary>
public sealed record CostOptions
{
    /// <summary>The default loads of the 12-month table: light and heavy.</summary>
    public static readonly IReadOnlyList<long> DefaultRequestsPerDay = [1_000, 10_000];

    /// <summary>Daily volumes the 12-month table shows; the first two are labelled light and heavy.</summary>
    public IReadOnlyList<long> RequestsPerDay { get; init; } = DefaultRequestsPerDay;

    /// <summary>What an hour of the student's machine costs.</summary>
    public MachinePrice Machine { get; init; } = MachinePrice.DefaultRented;

    /// <summary>Price the service as this model of the price table instead of the run's own service model.</summary>
    public string? PriceAs { get; init; }

    /// <summary>Price service requests at the provider's batch price (for traffic that can wait for a batch).</summary>
    public bool Batch { get; init; }

    /// <summary>A throughput to use instead of the measured one (another machine's), in completion tokens per second.</summary>
    public double? TokensPerSecond { get; init; }

    /// <summary>A measurement made now, which replaces the one the run recorded.</summary>
    public StudentThroughput? Measured { get; init; }
}
