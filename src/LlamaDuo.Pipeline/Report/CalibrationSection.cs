using System.Net;
using System.Text;
using LlamaDuo.Pipeline.Calibration;

namespace LlamaDuo.Pipeline.Report;

/// <summary>
/// The "Judge calibration" section of report.html: present when the run folder holds calibration/calibration.json
/// (`llamaduo judge calibrate CONFIG --labels FILE --out RUN/calibration`).
/// </summary>
internal static class CalibrationSection
{
    /// <summary>Inserts the section before the report's closing meta line; the page is unchanged when there is no calibration.</summary>
    public static string Insert(string html, string runRoot)
    {
        var result = CalibrationReport.Read(Path.Combine(runRoot, "calibration", CalibrationReport.JsonFile));
        if (result is null) return html;
        int at = html.LastIndexOf("<p class=\"meta\">Generated", StringComparison.Ordinal);
        if (at < 0) at = html.LastIndexOf("</body>", StringComparison.Ordinal);
        return at < 0 ? html + Html(result) : html.Insert(at, Html(result));
    }

    public static string Html(CalibrationResult r)
    {
        var sb = new StringBuilder();
        sb.Append("<h2>Judge calibration</h2>\n");
        sb.Append($"<p class=\"meta\">{E(r.Judge)}, {r.Rounds} round(s) per row, {r.LabelledRows} human-labelled rows ({r.ScoredRows} scored).</p>\n");
        sb.Append("<table><tr><th>metric</th><th>n</th><th>Spearman</th><th>Kendall</th><th>bias (judge - human)</th><th>95% CI</th></tr>\n");
        foreach (var a in r.Agreement)
            sb.Append($"<tr><td>{E(a.Metric)}</td><td>{a.Rows}</td><td>{CalibrationReport.F(a.Spearman, "0.000")}</td><td>{CalibrationReport.F(a.Kendall, "0.000")}</td>" +
                      $"<td>{CalibrationReport.F(a.Bias, "+0.0;-0.0;0.0")}</td><td>{E(CalibrationReport.Ci(a.BiasLow, a.BiasHigh))}</td></tr>\n");
        sb.Append("</table>\n");
        sb.Append($"<p>Pass/fail at similarity &gt;= {CalibrationReport.F(r.MinSimilarity, "0.##")} and precision &gt;= {CalibrationReport.F(r.MinPrecision, "0.##")}: " +
                  $"agreement {CalibrationReport.F(100 * r.PassAgreement, "0.0")}% of {r.PassFailRows} rows, Cohen's kappa {CalibrationReport.F(r.CohenKappa, "0.000")} " +
                  $"(human passes {r.HumanPasses}, judge passes {r.JudgePasses}).</p>\n");
        sb.Append("<table><tr><th>probe</th><th>rows</th><th>mean row-score change</th><th>95% CI</th><th>passed</th><th>verdict</th></tr>\n");
        foreach (var p in r.Probes)
            sb.Append($"<tr><td>{E(p.Probe)}: {E(p.Meaning)}</td><td>{p.Rows}</td><td>{CalibrationReport.F(p.MeanChange, "+0.0;-0.0;0.0")}</td>" +
                      $"<td>{E(CalibrationReport.Ci(p.Low, p.High))}</td><td>{p.Passed}</td><td>{(p.Flagged ? "<b>flagged</b>" : "ok")}</td></tr>\n");
        sb.Append("</table>\n");
        return sb.ToString();
    }

    static string E(string s) => WebUtility.HtmlEncode(s);
}
