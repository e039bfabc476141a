using ScottPlot;

namespace LlamaDuo.Pipeline.Report;

/// <summary>The report's bar and line figures for synthesis, cost and training (inline SVG, null when empty).</summary>
internal static class ReportCharts
{
    /// <summary>Colours for drop reasons, none of them the green used for kept rows.</summary>
    static readonly Color[] DropColors = [Colors.DarkOrange, Colors.FireBrick, Colors.MediumPurple, Colors.SaddleBrown, Colors.HotPink, Colors.Gray, Colors.Olive, Colors.DarkCyan];

    /// <summary>Synthetic rows added (after dedup) and dropped per round, the drops stacked by reason.</summary>
    public static string? SyntheticRows(ReportData d)
    {
        var rounds = d.Rounds.Where(r => r.SyntheticAdded > 0 || r.SyntheticDropped > 0).Select(r => r.Round)
            .Union(d.Drops.Select(x => x.Round)).Order().ToList();
        if (rounds.Count == 0) return null;
        var plot = new Plot();
        var reasons = d.Drops.Select(x => x.Reason).Distinct().Order().ToList();
        var bars = new List<Bar>();
        foreach (var round in rounds)
        {
            var added = d.Rounds.FirstOrDefault(x => x.Round == round)?.SyntheticAdded ?? 0;
            bars.Add(new Bar { Position = round - 0.2, Value = added, ValueBase = 0, FillColor = Colors.SeaGreen, Size = 0.35 });
            double stack = 0;
            for (var i = 0; i < reasons.Count; i++)
            {
                var count = d.Drops.Where(x => x.Round == round && x.Reason == reasons[i]).Sum(x => x.Count);
                if (count == 0) continue;
                bars.Add(new Bar { Position = round + 0.2, ValueBase = stack, Value = stack + count, FillColor = DropColors[i % DropColors.Length], Size = 0.35 });
                stack += count;
            }
        }
        plot.Add.Bars(bars);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "added (kept after dedup)", FillColor = Colors.SeaGreen });
        for (var i = 0; i < reasons.Count; i++)
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = $"dropped: {reasons[i]}", FillColor = DropColors[i % DropColors.Length] });
        var xs = rounds.Select(r => (double)r).ToArray();
        ReportFigures.RoundTicks(plot, xs);
        var top = bars.Max(b => b.Value);
        plot.Axes.SetLimits(xs.Min() - 0.6, xs.Max() + 0.6, 0, Math.Max(1, top) * 1.35); // room for the legend above the bars
        ReportFigures.Labels(plot, "Synthetic rows per round", "round", "rows");
        plot.ShowLegend(Alignment.UpperLeft);
        return ReportFigures.Svg(plot);
    }

    /// <summary>
    /// Service tokens per stage, summed over rounds, each bar labelled with its dollars. Tokens are plotted because they
    /// are never zero when a stage called the service, while dollars are (the demo service and cached calls are free).
    /// </summary>
    public static string? CostPerStage(ReportData d)
    {
        if (d.Costs.Count == 0) return null;
        var stages = d.Costs.GroupBy(c => c.Stage).Select(g => (Stage: g.Key, Dollars: g.Sum(c => c.Dollars), Tokens: g.Sum(c => c.InputTokens + c.OutputTokens)))
            .OrderBy(s => s.Stage, StringComparer.Ordinal).ToList();
        var plot = new Plot();
        var bars = stages.Select((s, i) => new Bar
        {
            Position = i, Value = s.Tokens, FillColor = Colors.SlateBlue, Size = 0.6,
            Label = $"{s.Tokens:N0} tok, ${s.Dollars:0.00}",
        }).ToList();
        var plottable = plot.Add.Bars(bars);
        plottable.ValueLabelStyle.FontSize = 12;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, stages.Count).Select(i => (double)i).ToArray(), stages.Select(s => s.Stage).ToArray());
        plot.Axes.SetLimits(-0.6, stages.Count - 0.4, 0, Math.Max(1, stages.Max(s => s.Tokens)) * 1.2);
        plot.Title("Service tokens and dollars per stage (all rounds)");
        plot.XLabel("stage");
        plot.YLabel("tokens (prompt + completion)");
        return ReportFigures.Svg(plot);
    }

    /// <summary>Training loss against optimizer step, one line per round.</summary>
    public static string? TrainingLoss(ReportData d)
    {
        if (d.Losses.Count == 0) return null;
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var g in d.Losses.GroupBy(l => l.Round).OrderBy(g => g.Key))
        {
            var points = g.OrderBy(l => l.Step).ToList();
            var line = plot.Add.ScatterLine(points.Select(p => (double)p.Step).ToArray(), points.Select(p => p.Loss).ToArray(), palette.GetColor(g.Key));
            line.LegendText = $"round {g.Key}";
            line.LineWidth = 2;
        }
        ReportFigures.Labels(plot, "Training loss per round", "optimizer step", "loss (assistant tokens)");
        plot.ShowLegend(Alignment.UpperRight);
        return ReportFigures.Svg(plot);
    }
}
