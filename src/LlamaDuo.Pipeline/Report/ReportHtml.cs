using System.Globalization;
using System.Net;
using System.Text;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Store;
using ScoreSummary = LlamaDuo.Service.Judge.ScoreSummary;

namespace LlamaDuo.Pipeline.Report;

/// <summary>
/// Renders report.html: one self-contained page (inline CSS, SVG and script, no links to fetch) with the verdict
/// per round, the figures, the cost and synthesis tables, then the <see cref="ReportSections"/> (each under its anchor).
/// </summary>
internal static class ReportHtml
{
    const string Css = """
        body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:860px;color:#222;padding:0 1rem}
        h1{font-size:1.5rem;margin-bottom:.2rem} h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
        table{border-collapse:collapse;width:100%;font-size:13px} th,td{padding:3px 6px;border-bottom:1px solid #eee;text-align:right}
        th:first-child,td:first-child,td.text{text-align:left} .pass{color:#16794a;font-weight:600} .fail{color:#a33;font-weight:600}
        figure{margin:1rem 0} figure svg{display:block;max-width:100%;height:auto;border:1px solid #eee} figcaption{color:#555;font-size:12px}
        .meta{color:#555} .empty{color:#888;font-style:italic} .breakeven{font-size:15px}
        .ex-controls{display:flex;gap:1rem;flex-wrap:wrap;margin:.5rem 0} tr.ex-row{cursor:pointer} tr.ex-row:hover{background:#f5f8fc}
        .ex-detail pre,#sx-table pre{white-space:pre-wrap;margin:.2rem 0;font:12px/1.4 ui-monospace,monospace;background:#f7f7f7;padding:4px}
        .ex-detail h4{margin:.6rem 0 .2rem;font-size:13px} table.ex-calls td,table.ex-calls th{font-size:12px}
        """;

    public static string Render(ReportData d, Service.Judge.PassRule rule, IReadOnlyList<(string Id, string Title, string Html)>? sections = null)
    {
        sections ??= [];
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append($"<title>LlamaDuo report: {E(d.Run.Task)} ({E(d.Run.Id)})</title><style>{Css}</style></head><body>\n");
        html.Append($"<h1>LlamaDuo run: {E(d.Run.Task)}</h1>\n<p class=\"meta\">run <b>{E(d.Run.Id)}</b> · status <b>{E(d.Run.Status)}</b>");
        if (d.Run.Message is { } m) html.Append($" · {E(m)}");
        html.Append($" · started {d.Run.Created:yyyy-MM-dd HH:mm} UTC · updated {d.Run.Updated:yyyy-MM-dd HH:mm} UTC</p>\n");
        html.Append($"<p class=\"meta\">Pass rule: {E(rule.Statistic)} similarity &gt;= {N(rule.MinSimilarity)} and {E(rule.Statistic)} precision &gt;= {N(rule.MinPrecision)}");
        if (rule.MinCoverage > 0) html.Append($" and coverage &gt;= {N(rule.MinCoverage)}%");
        html.Append($"; a test prompt is covered when its score is at least {N(rule.CoverageThreshold)}.</p>\n");

        if (sections.Count > 0)
            html.Append("<p class=\"meta\">Contents: <a href=\"#verdict\">verdict</a> · <a href=\"#synthetic-data\">synthetic data</a> · <a href=\"#training\">training</a> · <a href=\"#spend\">tokens and dollars</a>")
                .AppendJoin("", sections.Select(s => $" · <a href=\"#{E(s.Id)}\">{E(s.Title)}</a>")).Append("</p>\n");
        html.Append("<h2 id=\"verdict\">Verdict per round</h2>\n");
        html.Append(RoundsTable(d));
        Figure(html, "scores", ReportFigures.ScoresPerRound(d, rule.MinSimilarity, rule.MinPrecision), "Mean judge score per round; bars are 95% confidence intervals of the mean, diamonds the medians, dashed lines the pass thresholds.");
        Figure(html, "coverage", ReportFigures.CoveragePerRound(d, rule.CoverageThreshold), "Share of test prompts whose score reaches the coverage threshold.");
        Figure(html, "distribution", ReportFigures.ScoreDistribution(d), "Per-prompt scores (mean over samples and judge calls) in the last judged round.");
        html.Append("<h2 id=\"synthetic-data\">Synthetic data</h2>\n");
        Figure(html, "synthetic", ReportCharts.SyntheticRows(d), "Rows the service LLM wrote that were kept, and those dropped, by reason.");
        html.Append(DropsTable(d));
        html.Append("<h2 id=\"training\">Training</h2>\n");
        Figure(html, "loss", ReportCharts.TrainingLoss(d), "Training loss on assistant tokens, per optimizer step.");
        html.Append("<h2 id=\"spend\">Tokens and dollars</h2>\n");
        Figure(html, "cost", ReportCharts.CostPerStage(d), "Service tokens per stage over all rounds, each bar labelled with its dollars.");
        html.Append(CostTable(d));
        foreach (var (id, title, body) in sections) html.Append($"<section id=\"{E(id)}\"><h2>{E(title)}</h2>\n{body}</section>\n");
        html.Append($"<p class=\"meta\">Generated from run.db at {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC. This page loads nothing from the network.</p>\n</body></html>\n");
        return html.ToString();
    }

    static string RoundsTable(ReportData d)
    {
        if (d.Rounds.Count == 0) return "<p class=\"empty\">No round has been recorded yet.</p>\n";
        var t = new StringBuilder("<table id=\"rounds\"><tr><th>round</th><th>train rows</th><th>test rows</th><th>similarity mean [95% CI]</th><th>median</th><th>coverage</th>"
            + "<th>precision mean [95% CI]</th><th>median</th><th>coverage</th><th>synthetic +/-</th><th>verdict</th></tr>\n");
        foreach (var r in d.Rounds)
        {
            t.Append($"<tr><td>{r.Round}</td><td>{r.TrainRows}</td><td>{r.TestRows}</td>{Cells(r.Similarity)}{Cells(r.Precision)}");
            t.Append($"<td>+{r.SyntheticAdded} / -{r.SyntheticDropped}</td><td class=\"text {(r.Passed ? "pass" : "fail")}\">{(r.Passed ? "PASS" : E(r.Verdict))}</td></tr>\n");
        }
        return t.Append("</table>\n").ToString();
    }

    static string Cells(ScoreSummary? s) => s is null ? "<td>-</td><td>-</td><td>-</td>"
        : $"<td>{N(s.Mean)} [{N(s.CiLow)}, {N(s.CiHigh)}]</td><td>{N(s.Median)}</td><td>{N(s.CoveragePercent)}%</td>";

    static string DropsTable(ReportData d)
    {
        if (d.Drops.Count == 0) return "";
        var t = new StringBuilder("<table id=\"drops\"><tr><th>round</th><th>reason dropped</th><th>rows</th></tr>\n");
        foreach (var x in d.Drops) t.Append($"<tr><td>{x.Round}</td><td class=\"text\">{E(x.Reason)}</td><td>{x.Count}</td></tr>\n");
        return t.Append("</table>\n").ToString();
    }

    static string CostTable(ReportData d)
    {
        if (d.Costs.Count == 0) return "<p class=\"empty\">No service calls recorded.</p>\n";
        var t = new StringBuilder("<table id=\"costs\"><tr><th>round</th><th>stage</th><th>calls</th><th>input tokens</th><th>output tokens</th><th>dollars</th></tr>\n");
        foreach (var c in d.Costs)
            t.Append($"<tr><td>{c.Round}</td><td class=\"text\">{E(c.Stage)}</td><td>{c.Calls}</td><td>{c.InputTokens:N0}</td><td>{c.OutputTokens:N0}</td><td>${c.Dollars:0.0000}</td></tr>\n");
        t.Append($"<tr><th>all</th><th></th><th>{d.Costs.Sum(c => c.Calls)}</th><th>{d.Costs.Sum(c => c.InputTokens):N0}</th><th>{d.Costs.Sum(c => c.OutputTokens):N0}</th><th>${d.Costs.Sum(c => c.Dollars):0.0000}</th></tr>\n");
        return t.Append("</table>\n").ToString();
    }

    static void Figure(StringBuilder html, string id, string? svg, string caption)
    {
        if (svg is null)
        {
            html.Append($"<p class=\"empty\" data-figure-empty=\"{id}\">Nothing to plot yet.</p>\n");
            return;
        }
        html.Append($"<figure data-figure=\"{id}\">{StripXmlDeclaration(svg)}<figcaption>{E(caption)}</figcaption></figure>\n");
    }

    /// <summary>An XML declaration is not allowed in the middle of an HTML document.</summary>
    static string StripXmlDeclaration(string svg) => (svg = svg.Trim()).StartsWith("<?xml", StringComparison.Ordinal) ? svg[(svg.IndexOf("?>", StringComparison.Ordinal) + 2)..].TrimStart() : svg;

    static string E(string s) => WebUtility.HtmlEncode(s);

    static string N(double x) => double.IsFinite(x) ? x.ToString("0.0", CultureInfo.InvariantCulture) : "-";
}
