using ScottPlot;

namespace LlamaDuo.Pipeline.Report;

/// <summary>
/// The report's figures as inline SVG (ScottPlot's SVG backend): no images, no scripts, nothing fetched. Each method
/// returns null when there is nothing to plot yet.
/// </summary>
internal static class ReportFigures
{
    public const int Width = 760, Height = 360;

    /// <summary>Mean score per round with 95% interval error bars, medians as markers, and the pass threshold.</summary>
    public static string? ScoresPerRound(ReportData d, double minSimilarity, double minPrecision)
    {
        var judged = d.Rounds.Where(r => r.Similarity is not null && r.Precision is not null).ToList();
        if (judged.Count == 0) return null;
        var plot = new Plot();
        var xs = judged.Select(r => (double)r.Round).ToArray();
        AddSeries(plot, xs.Select(x => x - 0.06).ToArray(), judged.Select(r => r.Similarity!).ToList(), "similarity (mean, 95% CI)", "similarity (median)", Colors.SteelBlue);
        AddSeries(plot, xs.Select(x => x + 0.06).ToArray(), judged.Select(r => r.Precision!).ToList(), "precision (mean, 95% CI)", "precision (median)", Colors.DarkOrange);
        var sim = plot.Add.HorizontalLine(minSimilarity, 1, Colors.SteelBlue.WithAlpha(0.6), LinePattern.Dashed);
        sim.LegendText = $"pass: similarity >= {minSimilarity:0.#}";
        if (Math.Abs(minPrecision - minSimilarity) > 1e-9)
        {
            var prec = plot.Add.HorizontalLine(minPrecision, 1, Colors.DarkOrange.WithAlpha(0.6), LinePattern.Dashed);
            prec.LegendText = $"pass: precision >= {minPrecision:0.#}";
        }
        RoundTicks(plot, xs);
        plot.Axes.SetLimits(xs.Min() - 0.5, xs.Max() + 0.5, 0, 105);
        Labels(plot, "Judge scores per round", "round", "score (1-100)");
        return ReportFigures.Svg(plot);
    }

    /// <summary>Coverage per round: percent of test prompts whose score reaches the per-row threshold.</summary>
    public static string? CoveragePerRound(ReportData d, double threshold)
    {
        var judged = d.Rounds.Where(r => r.Similarity is not null && r.Precision is not null).ToList();
        if (judged.Count == 0) return null;
        var plot = new Plot();
        var xs = judged.Select(r => (double)r.Round).ToArray();
        var sim = plot.Add.Scatter(xs, judged.Select(r => Finite(r.Similarity!.CoveragePercent)).ToArray(), Colors.SteelBlue);
        sim.LegendText = "similarity coverage %";
        var prec = plot.Add.Scatter(xs, judged.Select(r => Finite(r.Precision!.CoveragePercent)).ToArray(), Colors.DarkOrange);
        prec.LegendText = "precision coverage %";
        RoundTicks(plot, xs);
        plot.Axes.SetLimits(xs.Min() - 0.5, xs.Max() + 0.5, 0, 105);
        Labels(plot, $"Coverage per round (row score >= {threshold:0.#})", "round", "test prompts covered (%)");
        return ReportFigures.Svg(plot);
    }

    /// <summary>Histogram of per-row scores in the last judged round.</summary>
    public static string? ScoreDistribution(ReportData d)
    {
        if (d.LastSimilarity.Count == 0 && d.LastPrecision.Count == 0) return null;
        var plot = new Plot();
        AddHistogram(plot, d.LastSimilarity, -1.2, Colors.SteelBlue, "similarity");
        AddHistogram(plot, d.LastPrecision, 1.2, Colors.DarkOrange, "precision");
        plot.Axes.SetLimitsX(0, 100);
        plot.Axes.Margins(bottom: 0);
        Labels(plot, $"Score distribution, round {d.LastJudgedRound}", "row score (bins of 10)", "test prompts");
        return ReportFigures.Svg(plot);
    }

    static void AddSeries(Plot plot, double[] xs, IReadOnlyList<Service.Judge.ScoreSummary> s, string meanLabel, string medianLabel, Color color)
    {
        var means = s.Select(x => Finite(x.Mean)).ToArray();
        var errors = s.Select(x => double.IsFinite(x.CiHigh - x.Mean) ? x.CiHigh - x.Mean : 0).ToArray();
        var bars = plot.Add.ErrorBar(xs, means, errors);
        bars.Color = color;
        var line = plot.Add.Scatter(xs, means, color);
        line.LegendText = meanLabel;
        line.MarkerSize = 8;
        var medians = plot.Add.ScatterPoints(xs, s.Select(x => Finite(x.Median)).ToArray(), color);
        medians.MarkerShape = MarkerShape.OpenDiamond;
        medians.MarkerSize = 10;
        medians.LegendText = medianLabel;
    }

    static void AddHistogram(Plot plot, IReadOnlyList<double> values, double offset, Color color, string label)
    {
        if (values.Count == 0) return;
        var counts = new double[10];
        foreach (var v in values) counts[Math.Clamp((int)(v / 10), 0, 9)]++;
        var positions = Enumerable.Range(0, 10).Select(i => i * 10 + 5 + offset).ToArray();
        var bars = plot.Add.Bars(positions, counts);
        bars.LegendText = label;
        bars.Color = color;
        foreach (var b in bars.Bars) b.Size = 2.4 * Math.Abs(offset) * 0.8 + 1;
    }

    internal static void RoundTicks(Plot plot, double[] rounds) =>
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(rounds, rounds.Select(r => $"round {r:0}").ToArray());

    internal static void Labels(Plot plot, string title, string x, string y)
    {
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        plot.ShowLegend(Alignment.LowerRight);
    }

    /// <summary>Renders a finished plot as SVG, in a sans-serif face (Skia's default here is a serif one).</summary>
    internal static string Svg(Plot plot)
    {
        plot.Font.Set("DejaVu Sans");
        return plot.GetSvgXml(Width, Height).Trim();
    }

    internal static double Finite(double x) => double.IsFinite(x) ? x : 0;
}
