using System.Globalization;
using LlamaDuo.Core.Errors;
using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Cost;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Store;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Cost;

/// <summary>`llamaduo cost RUN`: the service LLM's running cost for this task against the student's, the break-even volume, 12 months at light and heavy load, and the migration's one-off spend.</summary>
internal sealed class CostCommand : AsyncCommand<CostSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CostSettings settings, CancellationToken cancellationToken)
    {
        var dir = Directory.Exists(settings.Run) ? settings.Run : Path.Combine(settings.Root, settings.Run);
        if (!Directory.Exists(dir))
            throw new InputException($"no run folder '{settings.Run}' (looked in . and {settings.Root}); list runs with `llamaduo runs`", field: "RUN", value: settings.Run);
        using var store = RunStore.Open(dir);
        var options = new CostOptions
        {
            RequestsPerDay = settings.RequestsPerDay.Length > 0 ? settings.RequestsPerDay : CostOptions.DefaultRequestsPerDay,
            Machine = Machine(settings),
            PriceAs = settings.PriceAs,
            Batch = settings.Batch,
            TokensPerSecond = settings.TokensPerSecond,
            Measured = settings.Measure ? await MeasureAsync(store.Folder, cancellationToken) : null,
        };
        var c = CostCaseBuilder.Build(store, options);

        AnsiConsole.MarkupLineInterpolated($"[bold]Cost case[/] for run {store.Run.Id} (task {store.Run.Task})");
        var inputs = new Table().Border(TableBorder.Simple).AddColumn("input").AddColumn("value").AddColumn("source");
        foreach (var i in c.Inputs) inputs.AddRow(Markup.Escape(i.Name), Markup.Escape(i.Value), Markup.Escape(i.Source));
        AnsiConsole.Write(inputs);
        Console.WriteLine(CostLines.PerRequest(c));
        Console.WriteLine(CostLines.BreakEven(c));
        var year = new Table().Border(TableBorder.Simple);
        foreach (var (h, i) in CostLines.YearHeadings.Select((h, i) => (h, i))) year.AddColumn(i == 0 ? new TableColumn(h) : new TableColumn(h).RightAligned());
        foreach (var row in CostLines.YearRows(c)) year.AddRow(row.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(year);
        Console.WriteLine($"paper columns: {PaperFigures.Source}; for context only (its tasks, loads and GPUs).");
        Console.WriteLine(CostLines.Migration(c));
        return 0;
    }

    static MachinePrice Machine(CostSettings s)
    {
        if (s.HardwareCost is { } hw)
        {
            if (s.MachinePricePerHour is not null)
                throw new InputException("give either a rented machine's --machine-price-per-hour or owned --hardware-cost, not both", field: "--hardware-cost", value: hw.ToString(CultureInfo.InvariantCulture));
            Positive("--hardware-cost", hw);
            Positive("--hardware-years", s.HardwareYears);
            if (s.Watts < 0) Positive("--watts", s.Watts);
            if (s.PowerPrice < 0) Positive("--power-price", s.PowerPrice);
            return MachinePrice.Owned(hw, s.HardwareYears, s.Watts, s.PowerPrice, "--hardware-cost, --hardware-years, --watts, --power-price");
        }
        if (s.MachinePricePerHour is { } perHour)
        {
            Positive("--machine-price-per-hour", perHour);
            return MachinePrice.Rented(perHour, "--machine-price-per-hour");
        }
        return MachinePrice.DefaultRented;
    }

    static void Positive(string option, decimal value)
    {
        if (value <= 0) throw new InputException("must be above 0", field: option, value: value.ToString(CultureInfo.InvariantCulture));
    }

    static async Task<StudentThroughput> MeasureAsync(RunFolder folder, CancellationToken ct)
    {
        var gguf = Path.Combine(folder.ExportDir, "model.gguf");
        if (!File.Exists(gguf)) throw new InputException("no exported model to measure; export.formats needs gguf (or give --tokens-per-second)", gguf);
        var config = LlamaDuoConfig.Load(folder.ConfigPath);
        var test = DatasetFile.Read(folder.TestPath);
        AnsiConsole.MarkupLineInterpolated($"measuring export/model.gguf on {test.Count} test prompts x {config.Inference.K} (llama.cpp, one request at a time)...");
        using var engine = LlamaCppChatClient.Open(gguf);
        var (throughput, _) = await StudentThroughput.MeasureAsync(engine, "export/model.gguf", test, config.Inference, 0, "`llamaduo cost --measure`", ct);
        throughput.Write(folder);
        return throughput;
    }
}
