using System.Globalization;
using LlamaDuo.Pipeline.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Runs;

/// <summary>`llamaduo runs [--root DIR]`: every run under the root with its status, rounds and best scores.</summary>
public sealed class RunsCommand : Command<RunsSettings>
{
    public override int Execute(CommandContext context, RunsSettings settings, CancellationToken cancellationToken)
    {
        var runs = RunIndex.Scan(settings.Root);
        if (runs.Count == 0)
        {
            AnsiConsole.MarkupLineInterpolated($"No runs under [bold]{Path.GetFullPath(settings.Root)}[/]. Start one with [bold]llamaduo run CONFIG[/] or [bold]llamaduo quickstart[/].");
            return 0;
        }
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn(new TableColumn("run").NoWrap()).AddColumn("task").AddColumn("status").AddColumn(new TableColumn("rounds").RightAligned())
            .AddColumn(new TableColumn("best sim").RightAligned()).AddColumn(new TableColumn("best prec").RightAligned())
;
        foreach (var r in runs)
            table.AddRow(Markup.Escape(r.Id), Markup.Escape(r.Task), StatusMarkup(r.Status), r.Rounds.ToString(CultureInfo.InvariantCulture),
                Score(r.BestSimilarity), Score(r.BestPrecision));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[grey]{runs.Count} run(s) under {Path.GetFullPath(settings.Root)}; details: llamaduo status RUN[/]");
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
