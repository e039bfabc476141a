using System.Globalization;

namespace LlamaDuo.Pipeline.Cost;

/// <summary>
/// What an hour of the student's machine costs: a rented machine's price per hour, or owned hardware amortised over
/// its life plus the power it draws: <c>hardware / (years x 8760) + watts / 1000 x price per kWh</c>.
/// </summary>
public sealed record MachinePrice(decimal PerHour, string Description, string Source)
{
    /// <summary>Hours in a (non-leap) year: the table is for 365 days.</summary>
    public const int HoursPerYear = 8760;

    /// <summary>The default rented machine: a 2-vCPU, 8 GiB general-purpose cloud VM on demand (the CPU class the quickstart runs on).</summary>
    public static MachinePrice DefaultRented { get; } = Rented(0.1008m,
        "default: AWS m7i.large on demand, us-east-1 list price 2025 (2 vCPU, 8 GiB); override with --machine-price-per-hour");

    /// <summary>A rented machine at <paramref name="perHour"/> dollars an hour.</summary>
    public static MachinePrice Rented(decimal perHour, string source) =>
        new(perHour, string.Create(CultureInfo.InvariantCulture, $"${perHour:0.####}/hour (rented)"), source);

    /// <summary>Owned hardware bought for <paramref name="hardwareDollars"/>, written off over <paramref name="years"/>, drawing <paramref name="watts"/> at <paramref name="dollarsPerKwh"/>.</summary>
    public static MachinePrice Owned(decimal hardwareDollars, decimal years, decimal watts, decimal dollarsPerKwh, string source)
    {
        var amortised = hardwareDollars / (years * HoursPerYear);
        var power = watts / 1000m * dollarsPerKwh;
        return new(amortised + power, string.Create(CultureInfo.InvariantCulture,
            $"${amortised + power:0.####}/hour (owned: ${hardwareDollars:0} over {years:0.#} years = ${amortised:0.####}/h, plus {watts:0} W at ${dollarsPerKwh:0.###}/kWh = ${power:0.####}/h)"), source);
    }
}
