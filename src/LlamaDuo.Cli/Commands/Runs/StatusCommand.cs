using System.Globalization;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Judge;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Runs;

/// <summary>`llamaduo status RUN`: one run's rounds (scores, verdict, rows added, cost), its stages and provider batches.</summary>
public sealed class StatusCommand : Command<StatusSettings>
{
    public override int Execute(CommandContext context, StatusSettings settings, CancellationToken cancellationToken)
    {
        var dir = Directory.Exists(settings.Run) ? settings.Run : Path.Combine(settings.Root, settings.Run);
        if (!Directory.Exists(dir))
            throw new InputException($"no run folder '{settings.Run}' (looked in . and {settings.Root}); list runs with `llamaduo runs`", field: "RUN", value: settings.Run);
        using var store = RunStore.Open(dir);
        var run = store.Run;
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(run.Id)}[/]  task [bold]{Markup.Escape(run.Task)}[/]  status {RunsCommand.StatusMarkup(run.Status)}");
        if (run.Message is { } message) AnsiConsole.MarkupLineInterpolated($"  {message}");
        AnsiConsole.MarkupLineInterpolated($"  folder {store.Folder.Root}  store {store.Location.Describe()}");

        var costs = store.Costs();
        var rounds = store.Rounds();
        if (rounds.Count == 0) AnsiConsole.MarkupLine("[grey]No round recorded yet.[/]");
        else
        {
            var table = new Table().Border(TableBorder.Simple).AddColumn("rnd").AddColumn(new TableColumn("train").RightAligned())
                .AddColumn(new TableColumn("sim ±CI").RightAligned().NoWrap()).AddColumn(new TableColumn("prec ±CI").RightAligned().NoWrap())
                .AddColumn(new TableColumn("cov %").RightAligned().NoWrap()).AddColumn(new TableColumn("synth").RightAligned().NoWrap())
                .AddColumn(new TableColumn("cost").RightAligned().NoWrap()).AddColumn("verdict");
            foreach (var r in rounds)
            {
                var roundCosts = costs.Where(c => c.Round == r.Round).ToList();
                table.AddRow(r.Round.ToString(CultureInfo.InvariantCulture), r.TrainRows.ToString(CultureInfo.InvariantCulture),
                    Summary(r.Similarity), Summary(r.Precision),
                    $"{Pct(r.Similarity?.CoveragePercent)}/{Pct(r.Precision?.CoveragePercent)}", $"+{r.SyntheticAdded}/-{r.SyntheticDropped}",
                    "$" + roundCosts.Sum(c => c.Dollars).ToString("0.00", CultureInfo.InvariantCulture),
                    r.Passed ? "[green]pass[/]" : Markup.Escape(r.Verdict));
            }
            AnsiConsole.Write(table);
        }

        var stages = store.Stages();
        if (stages.Count > 0)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumn("round").AddColumn("stage").AddColumn("status")
                .AddColumn(new TableColumn("attempts").RightAligned()).AddColumn(new TableColumn("time").RightAligned()).AddColumn("error");
            foreach (var s in stages)
                table.AddRow(s.Round.ToString(CultureInfo.InvariantCulture), Markup.Escape(s.Name), StageMarkup(s.Status), s.Attempts.ToString(CultureInfo.InvariantCulture),
                    s.Started is { } a && s.Ended is { } b ? $"{(b - a).TotalSeconds:0.0} s" : "-", Markup.Escape(s.Error ?? ""));
            AnsiConsole.Write(table);
        }
        var batches = store.AllBatches();
        if (batches.Count > 0)
        {
            // Provider batches (service.batch): an open one is still at the provider; --resume attaches to it.
            var table = new Table().Border(TableBorder.Simple).AddColumn("batch").AddColumn("stage").AddColumn("status")
                .AddColumn(new TableColumn("requests").RightAligned()).AddColumn("created").AddColumn("detail");
            foreach (var b in batches)
                table.AddRow(Markup.Escape(b.Id), Markup.Escape(b.Stage), b.IsOpen ? $"[yellow]{Markup.Escape(b.Status)}[/]" : Markup.Escape(b.Status),
                    b.CustomIds.Count.ToString(CultureInfo.InvariantCulture), b.Created.ToString("u", CultureInfo.InvariantCulture), Markup.Escape(b.Detail ?? ""));
            AnsiConsole.Write(table);
        }
        var (tokens, dollars) = store.TotalSpend();
        AnsiConsole.MarkupLineInterpolated($"service spend: {Compact(tokens)} tokens, ${dollars:0.00} ({string.Join(", ", costs.GroupBy(c => c.Stage).Select(g => $"{g.Key} {Compact(g.Sum(c => c.InputTokens + c.OutputTokens))} tok ${g.Sum(c => c.Dollars):0.00}"))})");
        if (store.CallCount(RunStore.Interrupted) is > 0 and var cut)
            AnsiConsole.MarkupLineInterpolated($"  {cut} call(s) were in flight when a process was killed: the provider may have charged for them (cost unknown, not in the figure above)");
        if (File.Exists(store.Folder.ReportPath)) AnsiConsole.MarkupLineInterpolated($"report: {store.Folder.ReportPath}");
        return 0;
    }

    static string Summary(ScoreSummary? s) => s is null || !double.IsFinite(s.Mean) ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"{s.Mean:0.0} ±{(double.IsFinite(s.CiHigh) ? s.CiHigh - s.Mean : 0):0.0}");

    static string Pct(double? x) => x is { } v && double.IsFinite(v) ? v.ToString("0", CultureInfo.InvariantCulture) : "-";

    static string Compact(long n) => n switch
    {
        >= 10_000_000 => (n / 1e6).ToString("0", CultureInfo.InvariantCulture) + "M",
        >= 1_000_000 => (n / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + "M",
        >= 10_000 => (n / 1e3).ToString("0", CultureInfo.InvariantCulture) + "k",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };

    static string StageMarkup(StageStatus s) => s switch
    {
        StageStatus.Done => "[green]done[/]",
        StageStatus.Failed => "[red]failed[/]",
        StageStatus.Running => "[yellow]running[/]",
        _ => "pending",
    };
}
