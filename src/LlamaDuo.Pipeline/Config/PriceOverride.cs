namespace LlamaDuo.Pipeline.Config;

/// <summary>The <c>service.prices</c> section: US dollars per million tokens; null keeps the built-in price list.</summary>
public sealed record PriceOverride
{
    /// <summary>Dollars per million prompt tokens.</summary>
    public double? InputPerMillion { get; init; }

    /// <summary>Dollars per million completion tokens.</summary>
    public double? OutputPerMillion { get; init; }
}
