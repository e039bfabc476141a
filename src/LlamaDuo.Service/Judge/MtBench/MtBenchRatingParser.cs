using System.Globalization;
using System.Text.RegularExpressions;

namespace LlamaDuo.Service.Judge.MtBench;

/// <summary>
/// Reads the score from an MT-Bench-style single-answer judgement ("... Rating: [[8.5]]"). The rule the recorded
/// scores were made with: the first "[[number]]"; failing that the first "[number]"; failing that -1 (no rating).
/// Decimal ratings ("[[9.5]]") are kept as given.
/// </summary>
public static partial class MtBenchRatingParser
{
    /// <summary>The rating, or -1 when the judgement holds none (as the recorded data marks it).</summary>
    public static double Parse(string judgment)
    {
        var m = DoubleBracket().Match(judgment);
        if (!m.Success) m = SingleBracket().Match(judgment);
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }

    [GeneratedRegex(@"\[\[(\d+\.?\d*)\]\]")]
    private static partial Regex DoubleBracket();

    [GeneratedRegex(@"\[(\d+\.?\d*)\]")]
    private static partial Regex SingleBracket();
}
