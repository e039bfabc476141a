using System.ComponentModel;
using LlamaDuo.Cli.Commands.Runs;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Cost;

/// <summary>Options of `llamaduo cost RUN`; defaults are documented in docs/cost.md.</summary>
internal sealed class CostSettings : RunArgumentSettings
{
    [CommandOption("--requests-per-day <N>")]
    [Description("Daily volumes for the 12-month table (repeat the option); the first two are light and heavy. Default 1000 and 10000.")]
    public long[] RequestsPerDay { get; init; } = [];

    [CommandOption("--machine-price-per-hour <USD>")]
    [Description("Dollars per hour of the student's machine (default 0.1008: a 2-vCPU cloud VM on demand).")]
    public decimal? MachinePricePerHour { get; init; }

    [CommandOption("--hardware-cost <USD>")]
    [Description("Owned hardware instead of a rented machine: its purchase price, amortised over --hardware-years plus power.")]
    public decimal? HardwareCost { get; init; }

    [CommandOption("--hardware-years <Y>")]
    [Description("Years the owned hardware is written off over (default 3).")]
    public decimal HardwareYears { get; init; } = 3;

    [CommandOption("--watts <W>")]
    [Description("Average power the owned machine draws (default 150).")]
    public decimal Watts { get; init; } = 150;

    [CommandOption("--power-price <USD_PER_KWH>")]
    [Description("Dollars per kWh for the owned machine (default 0.15).")]
    public decimal PowerPrice { get; init; } = 0.15m;

    [CommandOption("--price-as <MODEL>")]
    [Description("Price the service as this model of the price table (default: the run's service model; gpt-4o when it has no price, as the demo stand-in).")]
    public string? PriceAs { get; init; }

    [CommandOption("--batch")]
    [Description("Price service requests at the provider's batch price (traffic that can wait for a batch).")]
    public bool Batch { get; init; }

    [CommandOption("--tokens-per-second <T>")]
    [Description("Another machine's student throughput (answer tokens/s) instead of the measured one.")]
    public double? TokensPerSecond { get; init; }

    [CommandOption("--measure")]
    [Description("Measure the exported model (export/model.gguf on llama.cpp) on the test prompts now, and record it in export/throughput.json.")]
    public bool Measure { get; init; }
}
