using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Calibration;

/// <summary>A calibration as a text table (the terminal), JSON (calibration.json) and a standalone HTML page.</summary>
public static class CalibrationReport
{
    public const string JsonFile = "calibration.json", HtmlFile = "calibration.html";

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes calibration.json and calibration.html into <paramref name="dir"/>; returns their paths.</summary>
    public static (string Json, string Html) Write(CalibrationResult result, string dir)
    {
        Directory.CreateDirectory(dir);
        string json = Path.Combine(dir, JsonFile), html = Path.Combine(dir, HtmlFile);
        AtomicFile.WriteAllText(json, JsonSerializer.Serialize(result, Json));
        AtomicFile.WriteAllText(html, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Judge calibration</title></head><body>\n"
            + Report.CalibrationSection.Html(result) + "</body></html>\n");
        return (json, html);
    }

    public static CalibrationResult? Read(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<CalibrationResult>(File.ReadAllText(path), Json) : null;

    /// <summary>The terminal table.</summary>
    public static string Table(CalibrationResult r)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"judge calibration: {r.Judge}, {r.Rounds} round(s) per row, {r.LabelledRows} labelled rows ({r.ScoredRows} scored, {r.LabelledRows - r.ScoredRows} unscored)");
        sb.AppendLine($"{"metric",-24} {"n",4} {"spearman",9} {"kendall",8} {"bias (judge - human)",21} {"95% CI",18}");
        foreach (var a in r.Agreement)
            sb.AppendLine($"{a.Metric,-24} {a.Rows,4} {F(a.Spearman, "0.000"),9} {F(a.Kendall, "0.000"),8} {F(a.Bias, "+0.0;-0.0;0.0"),21} {Ci(a.BiasLow, a.BiasHigh),18}");
        sb.AppendLine($"pass/fail at similarity >= {F(r.MinSimilarity, "0.##")} and precision >= {F(r.MinPrecision, "0.##")}: agreement {F(100 * r.PassAgreement, "0.0")}% of {r.PassFailRows} rows, " +
                      $"Cohen's kappa {F(r.CohenKappa, "0.000")} (human passes {r.HumanPasses}, judge passes {r.JudgePasses})");
        foreach (var p in r.Probes)
            sb.AppendLine($"probe {p.Probe,-10} mean row-score change {F(p.MeanChange, "+0.0;-0.0;0.0")} {Ci(p.Low, p.High)} over {p.Rows} rows, passed {p.Passed}: {(p.Flagged ? "FLAGGED" : "ok")} ({p.Meaning})");
        return sb.ToString();
    }

    internal static string F(double x, string format) => double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "-";

    internal static string Ci(double low, double high) => double.IsFinite(low) ? $"[{F(low, "+0.0;-0.0;0.0")}, {F(high, "+0.0;-0.0;0.0")}]" : "-";
}
