using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlamaDuo.Service.Judge;

/// <summary>
/// Reads the two scores out of a judge reply, leniently: the first JSON object anywhere in the text; keys matched
/// loosely ("similarity", "Similarity Score", nested {"score": ..}); scores as numbers or strings ("85", "85/100",
/// "8.5/10"). When no object parses, a last-resort pattern looks for "similarity ... 85" in plain text. Scores outside
/// 0-100 are rejected, not clamped: they mean the judge misunderstood the scale.
/// </summary>
public static partial class JudgeReplyParser
{
    /// <summary>Parses a reply; on failure returns false and says why in <paramref name="error"/>.</summary>
    public static bool TryParse(string? reply, out JudgeScores? scores, out string? error)
    {
        scores = null;
        if (string.IsNullOrWhiteSpace(reply)) { error = "empty reply"; return false; }

        using (var doc = LenientJson.FirstParsable(reply, '{'))
        {
            if (doc is not null && doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                var sim = FindScore(doc.RootElement, "similar", out var simReason);
                var pre = FindScore(doc.RootElement, "precis", out var preReason);
                if (sim is not null && pre is not null)
                    return Check(sim.Value, pre.Value, simReason, preReason, out scores, out error);
            }
        }

        // Plain-text fallback: "Similarity: 85/100 ... Precision: 90".
        var s = PlainScore(reply, "similarity");
        var p = PlainScore(reply, "precision");
        if (s is not null && p is not null) return Check(s.Value, p.Value, null, null, out scores, out error);

        error = "no similarity and precision scores found";
        return false;
    }

    static bool Check(double sim, double pre, string? simReason, string? preReason, out JudgeScores? scores, out string? error)
    {
        scores = null;
        if (sim is < 0 or > 100 || pre is < 0 or > 100)
        {
            error = $"score out of range 0-100 (similarity {sim}, precision {pre})";
            return false;
        }
        scores = new JudgeScores(sim, pre, simReason, preReason);
        error = null;
        return true;
    }

    /// <summary>The first property whose key contains <paramref name="stem"/> and holds a score.</summary>
    static double? FindScore(JsonElement obj, string stem, out string? reason)
    {
        reason = null;
        double? score = null;
        foreach (var prop in obj.EnumerateObject())
        {
            string key = prop.Name.ToLowerInvariant();
            if (!key.Contains(stem)) continue;
            if (key.Contains("reason") || key.Contains("explan") || key.Contains("rationale"))
            {
                if (prop.Value.ValueKind == JsonValueKind.String) reason ??= prop.Value.GetString();
                continue;
            }
            if (prop.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var inner in prop.Value.EnumerateObject())
                {
                    string ik = inner.Name.ToLowerInvariant();
                    if (ik is "score" or "value" or "rating") score ??= ScoreValue(inner.Value);
                    else if (inner.Value.ValueKind == JsonValueKind.String) reason ??= inner.Value.GetString();
                }
            }
            else score ??= ScoreValue(prop.Value);
        }
        // {"scores": {"similarity": ..}} nests one level down.
        if (score is null)
            foreach (var prop in obj.EnumerateObject())
                if (prop.Value.ValueKind == JsonValueKind.Object && !prop.Name.Contains(stem, StringComparison.OrdinalIgnoreCase))
                {
                    score = FindScore(prop.Value, stem, out var r);
                    reason ??= r;
                    if (score is not null) break;
                }
        return score;
    }

    static double? ScoreValue(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.String => FromText(v.GetString()!),
        _ => null,
    };

    /// <summary>"85", " 85 ", "85/100", "8.5/10", "85%" to a 0-100 number; null when the text is not a score.</summary>
    public static double? FromText(string text)
    {
        var m = ScoreText().Match(text);
        if (!m.Success) return null;
        double value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (m.Groups[2].Success)
        {
            double scale = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (scale <= 0) return null;
            value = value * 100 / scale;
        }
        return value;
    }

    static double? PlainScore(string reply, string word)
    {
        var m = Regex.Match(reply, word + @"[^0-9\n]{0,40}?(\d+(?:\.\d+)?(?:\s*/\s*\d+)?)", RegexOptions.IgnoreCase);
        return m.Success ? FromText(m.Groups[1].Value) : null;
    }

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*(?:%|/\s*(\d+(?:\.\d+)?))?")]
    private static partial Regex ScoreText();
}
