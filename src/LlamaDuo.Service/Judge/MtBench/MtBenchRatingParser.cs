using System.Globalization;
using System.Text.RegularExpressions;

namespace LlamaDuo.Service.Judge.MtBench;

/// <summary>
/// Reads the rating from an MT-Bench-style single-answer judgement, which the judge is told to end with
/// "Rating: [[n]]". The rule: the first "[[n]]" (n a whole or decimal number, e.g. "[[8.5]]") outside code, inside
/// the declared scale (default 1-10). Code is fenced blocks (an unclosed fence runs to the end: a judgement cut off
/// mid-code) and `inline` spans, so "x = [[3]]" inside code is never a rating; a "[[n]]" glued to an identifier or
/// bracket ("a[[5]]") is an index, not a rating. Single brackets ("heap[0]", "char input[100];", "[5]") never count.
/// Later "[[n]]" are ignored: in real judgements they are hypotheticals ("a revised answer would earn [[10]]").
/// No rating, or one outside the scale, is a diagnostic: the parser never guesses.
/// </summary>
public static partial class MtBenchRatingParser
{
    /// <summary>Parses a judgement; false with a reason when it holds no rating we can trust.</summary>
    public static bool TryParse(string? judgment, out double rating, out string? diagnostic, double min = 1, double max = 10)
    {
        rating = 0;
        if (string.IsNullOrWhiteSpace(judgment)) { diagnostic = "empty judgement"; return false; }
        string prose = InlineCode().Replace(FencedCode().Replace(judgment, " "), " ");
        var m = Rating().Match(prose);
        if (!m.Success)
        {
            diagnostic = "no [[rating]] outside code";
            return false;
        }
        double value = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (value < min || value > max)
        {
            diagnostic = $"rating [[{m.Groups[1].Value}]] is outside {min.ToString(CultureInfo.InvariantCulture)}-{max.ToString(CultureInfo.InvariantCulture)}";
            return false;
        }
        rating = value;
        diagnostic = null;
        return true;
    }

    // A fence opens with ``` or ~~~ and closes with the same, or runs to the end of a cut-off judgement.
    [GeneratedRegex(@"(```|~~~)[\s\S]*?(\1|\z)")]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"(?<![\w\]\)\[])\[\[\s*(\d+(?:\.\d+)?)\s*\]\]")]
    private static partial Regex Rating();
}
