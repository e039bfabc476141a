using LlamaDuo.Pipeline.Loop;
using Spectre.Console;

namespace LlamaDuo.Cli.Commands.Loop;

/// <summary>The end of `run` and `quickstart`: the verdict per round, where things are, how to serve, the result line.</summary>
static class LoopSummary
{
    public static void Print(LoopOutcome outcome)
    {
        var table = new Table().AddColumns("round", "train rows", "synthetic +", "similarity", "precision", "coverage", "verdict");
        foreach (var r in outcome.Rounds)
            table.AddRow(r.Round.ToString(), r.TrainRows.ToString(), r.SyntheticAdded.ToString(),
                $"{r.Similarity?.Mean:0.0}", $"{r.Precision?.Mean:0.0}", $"{r.Similarity?.CoveragePercent:0}%", Markup.Escape(r.Verdict));
        AnsiConsole.Write(table);
        Console.WriteLine($"report: {outcome.ReportPath}");
        if (outcome.ModelPath is { } model)
        {
            Console.WriteLine($"model:  {model}");
            Console.WriteLine($"serve:  ./llamaduo serve --model {model}");
        }
        Console.WriteLine(outcome.SummaryLine);
    }
}
