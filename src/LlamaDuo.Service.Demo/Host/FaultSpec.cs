using System.Globalization;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Service.Demo.Host;

/// <summary>
/// Per-request fault rates, parsed from "429:0.1,500:0.05,timeout:0.02,garbage:0.05,truncated:0.05,prose:0.02".
/// Rates add up to at most 1; one draw per request picks at most one fault.
/// </summary>
public sealed record FaultSpec(IReadOnlyList<(DemoFault Fault, double Rate)> Rates)
{
    /// <summary>No faults.</summary>
    public static FaultSpec None { get; } = new([]);

    static readonly Dictionary<string, DemoFault> Names = new()
    {
        ["429"] = DemoFault.RateLimited, ["500"] = DemoFault.ServerError, ["timeout"] = DemoFault.Timeout,
        ["garbage"] = DemoFault.Garbage, ["truncated"] = DemoFault.Truncated, ["prose"] = DemoFault.Prose,
    };

    /// <summary>Parses a spec; throws an InputException naming the bad entry.</summary>
    public static FaultSpec Parse(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) return None;
        var rates = new List<(DemoFault, double)>();
        foreach (var entry in spec.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split(':', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !Names.TryGetValue(parts[0], out var fault))
                throw new InputException($"a fault is KIND:RATE with KIND one of {string.Join(", ", Names.Keys)}", field: "--faults", value: entry);
            if (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || rate < 0 || rate > 1)
                throw new InputException("a fault rate is a number in [0, 1]", field: "--faults", value: entry);
            rates.Add((fault, rate));
        }
        if (rates.Sum(r => r.Item2) > 1 + 1e-9)
            throw new InputException("fault rates add up to more than 1", field: "--faults", value: spec);
        return new FaultSpec(rates);
    }

    /// <summary>The fault for one request, given a uniform draw in [0, 1).</summary>
    public DemoFault Pick(double draw)
    {
        foreach (var (fault, rate) in Rates)
        {
            if (draw < rate) return fault;
            draw -= rate;
        }
        return DemoFault.None;
    }
}
