using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlamaDuo.Service.Judge;

/// <summary>
/// Reads the two scores out of a judge reply, strictly. The syntax is forgiving (the JSON object may sit in a ```
/// fence or in prose; trailing commas and comments are allowed) but the meaning is not: each score comes only from
/// its own key, <c>"similarity"</c> and <c>"precision"</c> (case-insensitive, top level of the object), as a JSON
/// number or a numeric string (<c>"85"</c>, <c>"85.5"</c>, <c>"85/100"</c>) inside 1-100. Anything else (null, a
/// boolean, a word, a negative or out-of-range value, another scale such as "9/10", a missing or repeated key, no
/// JSON object at all) is a diagnostic, never a number found elsewhere in the reply. A reply with several verdict
/// objects (the judge revising itself) parses only when they all give the same two scores; otherwise it is a
/// diagnostic and the judge is asked again.
/// </summary>
public static partial class JudgeReplyParser
{
    /// <summary>Lowest score on the scale the prompt declares.</summary>
    public const double MinScore = 1;

    /// <summary>Highest score on the scale the prompt declares.</summary>
    public const double MaxScore = 100;

    /// <summary>Parses a reply; on failure returns false and says why in <paramref name="error"/>.</summary>
    public static bool TryParse(string? reply, out JudgeScores? scores, out string? error)
    {
        scores = null;
        if (string.IsNullOrWhiteSpace(reply)) { error = "empty reply"; return false; }

        var verdicts = new List<JudgeScores>();
        foreach (var doc in LenientJson.AllParsable(reply, '{'))
        {
            using (doc)
            {
                if (!IsVerdict(doc.RootElement)) continue;
                if (!TryVerdict(doc.RootElement, out var verdict, out error)) return false;
                verdicts.Add(verdict!);
            }
        }
        if (verdicts.Count == 0)
        {
            error = "no complete JSON object with \"similarity\" and \"precision\" keys";
            return false;
        }
        if (verdicts.Select(v => (v.Similarity, v.Precision)).Distinct().Count() > 1)
        {
            error = $"{verdicts.Count} verdict objects that disagree (" +
                    string.Join(" then ", verdicts.Select(v => $"{Show(v.Similarity)}/{Show(v.Precision)}")) + ")";
            return false;
        }
        scores = verdicts[^1];
        error = null;
        return true;
    }

    /// <summary>An object is a verdict when it has a similarity or precision key; other objects are ignored.</summary>
    static bool IsVerdict(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.EnumerateObject().Any(p => Is(p, "similarity") || Is(p, "precision"));

    static bool TryVerdict(JsonElement obj, out JudgeScores? verdict, out string? error)
    {
        verdict = null;
        if (!TryScore(obj, "similarity", out double sim, out error) || !TryScore(obj, "precision", out double pre, out error))
            return false;
        verdict = new JudgeScores(sim, pre, Reason(obj, "similarity_reason"), Reason(obj, "precision_reason"));
        return true;
    }

    static bool TryScore(JsonElement obj, string key, out double score, out string? error)
    {
        score = 0;
        var props = obj.EnumerateObject().Where(p => Is(p, key)).ToList();
        if (props.Count == 0) { error = $"missing key \"{key}\""; return false; }
        if (props.Count > 1) { error = $"key \"{key}\" appears {props.Count} times"; return false; }
        var value = props[0].Value;
        double? parsed = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDouble(out var d) && double.IsFinite(d) => d,
            JsonValueKind.String => FromText(value.GetString()!),
            _ => null,
        };
        if (parsed is null)
        {
            error = $"\"{key}\": {Shorten(value.GetRawText())} is not a number on the {MinScore:0}-{MaxScore:0} scale";
            return false;
        }
        if (parsed < MinScore || parsed > MaxScore)
        {
            error = $"\"{key}\": {Shorten(value.GetRawText())} is outside {MinScore:0}-{MaxScore:0}";
            return false;
        }
        score = parsed.Value;
        error = null;
        return true;
    }

    /// <summary>
    /// The numeric strings we accept: "85", " 85.5 ", "-5" (then rejected as out of range), and "85/100" (the declared
    /// scale written out). Null for anything else: words, "85 points", "95%", or another scale ("9/10").
    /// </summary>
    public static double? FromText(string text)
    {
        var m = ScoreText().Match(text);
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    static string? Reason(JsonElement obj, string key) =>
        obj.EnumerateObject().FirstOrDefault(p => Is(p, key)) is { Value.ValueKind: JsonValueKind.String } p ? p.Value.GetString() : null;

    static bool Is(JsonProperty p, string key) => string.Equals(p.Name.Trim(), key, StringComparison.OrdinalIgnoreCase);

    static string Show(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);

    static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "...";

    [GeneratedRegex(@"^\s*(-?\d+(?:\.\d+)?)\s*(?:/\s*100(?:\.0+)?\s*)?$")]
    private static partial Regex ScoreText();
}
