using System.Globalization;
using LlamaDuo.Pipeline.Runs;
using LlamaDuo.Pipeline.Store;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Runs;

/// <summary>`llamaduo runs [--root DIR | --store CONNECTION]`: every run under the root, or in a shared store, with its status, rounds and best scores.</summary>
internal sealed class RunsCommand : Command<RunsSettings>
{
    public override int Execute(CommandContext context, RunsSettings settings, CancellationToken cancellationToken)
    {
        var shared = settings.Store is { } connection ? StoreLocation.Postgres(connection, field: "--store") : null;
        var runs = shared is null ? RunIndex.Scan(settings.Root) : RunIndex.Scan(shared);
        var where = shared is null ? $"under {Path.GetFullPath(settings.Root)}" : $"in {shared.Describe()}";
        if (runs.Count == 0 && shared is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"No runs {where}. Runs land there when their config sets [bold]store.connection[/].");
            return 0;
        }
        if (runs.Count == 0)
        {
            AnsiConsole.MarkupLineInterpolated($"No runs under [bold]{Path.GetFullPath(settings.Root)}[/]. Start one with [bold]llamaduo run CONFIG[/] or [bold]llamaduo quickstart[/].");
            return 0;
        }
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn(new TableColumn("run").NoWrap()).AddColumn("task").AddColumn("status").AddColumn(new TableColumn("rounds").RightAligned())
            .AddColumn(new TableColumn("best sim").RightAligned()).AddColumn(new TableColumn("best prec").RightAligned());
        if (shared is not null) table.AddColumn("folder");
        foreach (var r in runs)
        {
            string[] cells = [Markup.Escape(r.Id), Markup.Escape(r.Task), StatusMarkup(r.Status), r.Rounds.ToString(CultureInfo.InvariantCulture),
                Score(r.BestSimilarity), Score(r.BestPrecision)];
            table.AddRow(shared is null ? cells : [.. cells, Markup.Escape(r.Dir)]);
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[grey]{runs.Count} run(s) {where}; details: llamaduo status RUN_FOLDER[/]");
        return 0;
    }

    internal static string StatusMarkup(string status) => status switch
    {
        "passed" => "[green]passed[/]",
        "failed" or "unreadable" => $"[red]{status}[/]",
        "running" => "[yellow]running[/]",
        _ => Markup.Escape(status),
    };

    internal static string Score(double? x) => x is { } v && double.IsFinite(v) ? v.ToString("0.0", CultureInfo.InvariantCulture) : "-";
}
