using System.Globalization;

namespace LlamaDuo.Service.Judge;

/// <summary>
/// Formats a figure next to the bound it was compared with, with as many decimals as it takes for the printed
/// figure to fall on the same side of the bound as the real one: a mean of 89.9997 against 90 prints "89.9997",
/// never "90 &lt; 90". Figures far from the bound keep the short form.
/// </summary>
public static class DecisionFigure
{
    /// <summary>At least <paramref name="minDecimals"/> (trailing zeros dropped), more while rounding would cross the bound.</summary>
    public static string Format(double value, double? bound, int minDecimals = 2)
    {
        for (int decimals = minDecimals; decimals <= 15; decimals++)
        {
            string text = value.ToString("0." + new string('#', decimals), CultureInfo.InvariantCulture);
            double shown = double.Parse(text, CultureInfo.InvariantCulture);
            if (bound is null || (shown < bound) == (value < bound)) return text;
        }
        return value.ToString("R", CultureInfo.InvariantCulture);
    }
}
