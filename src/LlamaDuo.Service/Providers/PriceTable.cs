using System.Globalization;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Service.Providers;

/// <summary>
/// Dollars per 1M tokens by model. Model ids match by longest prefix after lower-casing and treating '.' as '-', so
/// "gpt-4o-2024-08-06" prices as gpt-4o and "claude-3-5-haiku-latest" as claude-3.5-haiku.
/// </summary>
public sealed class PriceTable
{
    /// <summary>When <see cref="Defaults"/> were taken from the providers' public list prices (standard tier, no batch discount).</summary>
    public const string DefaultsTakenOn = "2025-08";

    readonly Dictionary<string, ModelPrice> _prices;

    PriceTable(Dictionary<string, ModelPrice> prices) => _prices = prices;

    /// <summary>
    /// List prices as of <see cref="DefaultsTakenOn"/>. They go stale: override them in config (prices:) when a
    /// provider changes its rates. The demo service costs nothing.
    /// </summary>
    public static PriceTable Defaults { get; } = new(new Dictionary<string, ModelPrice>
    {
        ["gpt-4o"] = new(2.50m, 10.00m),
        ["gpt-4o-mini"] = new(0.15m, 0.60m),
        ["gpt-4.1"] = new(2.00m, 8.00m),
        ["gpt-4.1-mini"] = new(0.40m, 1.60m),
        ["o4-mini"] = new(1.10m, 4.40m),
        ["claude-sonnet-4"] = new(3.00m, 15.00m),
        ["claude-3.5-sonnet"] = new(3.00m, 15.00m),
        ["claude-3.5-haiku"] = new(0.80m, 4.00m),
        ["gemini-2.5-flash"] = new(0.30m, 2.50m),
        ["gemini-2.5-pro"] = new(1.25m, 10.00m),
        ["gemini-2.0-flash"] = new(0.10m, 0.40m),
        ["llamaduo-demo"] = new(0m, 0m),
    });

    /// <summary>Every entry, keyed by the model id as written.</summary>
    public IReadOnlyDictionary<string, ModelPrice> Entries => _prices;

    /// <summary>A copy of this table with the given entries added or replaced.</summary>
    public PriceTable With(IEnumerable<KeyValuePair<string, ModelPrice>> overrides)
    {
        var merged = new Dictionary<string, ModelPrice>(_prices);
        foreach (var (model, price) in overrides) merged[model] = price;
        return new PriceTable(merged);
    }

    /// <summary>A copy of this table in which every entry's batch calls cost <paramref name="factor"/> of the list price.</summary>
    public PriceTable WithBatchFactor(decimal factor) =>
        new(_prices.ToDictionary(p => p.Key, p => p.Value with { BatchFactor = factor }));

    /// <summary>The price for a model id, or null when no entry matches (the ledger then records no dollars).</summary>
    public ModelPrice? Find(string model)
    {
        var wanted = Normalize(model);
        ModelPrice? best = null;
        var bestLength = -1;
        foreach (var (key, price) in _prices)
        {
            var k = Normalize(key);
            if (wanted.StartsWith(k, StringComparison.Ordinal) && k.Length > bestLength)
                (best, bestLength) = (price, k.Length);
        }
        return best;
    }

    /// <summary>
    /// Parses one config override "INPUT/OUTPUT" (dollars per 1M tokens, e.g. "2.50/10"). Throws an InputException
    /// naming the model and the value when it is malformed or negative.
    /// </summary>
    public static ModelPrice ParseOverride(string model, string text)
    {
        var parts = text.Split('/', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && decimal.TryParse(parts[0], NumberStyles.Number, CultureInfo.InvariantCulture, out var input)
            && decimal.TryParse(parts[1], NumberStyles.Number, CultureInfo.InvariantCulture, out var output)
            && input >= 0 && output >= 0)
            return new ModelPrice(input, output);
        throw new InputException(
            "a price is \"INPUT/OUTPUT\" in dollars per 1M tokens, both >= 0 (for example \"2.50/10.00\")",
            field: $"prices.{model}", value: text);
    }

    static string Normalize(string model) => model.Trim().ToLowerInvariant().Replace('.', '-');
}
