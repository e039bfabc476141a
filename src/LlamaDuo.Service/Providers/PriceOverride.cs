using LlamaDuo.Core.Errors;

namespace LlamaDuo.Service.Providers;

/// <summary>The <c>service.prices</c> section: US dollars per million tokens; null keeps the built-in price list.</summary>
public sealed record PriceOverride
{
    /// <summary>Dollars per million prompt tokens.</summary>
    public double? InputPerMillion { get; init; }

    /// <summary>Dollars per million completion tokens.</summary>
    public double? OutputPerMillion { get; init; }

    /// <summary>The override as a price entry (a side left out costs nothing); throws an InputException for a negative price.</summary>
    public ModelPrice ToModelPrice()
    {
        if (InputPerMillion is < 0 || OutputPerMillion is < 0)
            throw new InputException("prices are dollars per 1M tokens and must be >= 0",
                field: InputPerMillion is < 0 ? "prices.input_per_million" : "prices.output_per_million",
                value: (InputPerMillion is < 0 ? InputPerMillion : OutputPerMillion)!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new ModelPrice((decimal)(InputPerMillion ?? 0), (decimal)(OutputPerMillion ?? 0));
    }
}
