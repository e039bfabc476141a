using System.Globalization;
using System.Text;

namespace LlamaDuo.Models.Tokenizers;

/// <summary>
/// Unicode NFC and NFD that work without ICU. .NET's string.Normalize is a no-op under InvariantGlobalization (this
/// solution's setting), yet Qwen's tokenizer.json normalizes to NFC before BPE; so when the runtime cannot normalize
/// these tables (UAX #15: decompose, order by combining class, recompose) do it.
/// </summary>
internal static class UnicodeNormalizer
{
    const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    static readonly Lazy<Dictionary<int, int[]>> Decompositions = new(() =>
        Parse(UnicodeNfcData.Decompositions, v => v.Split(' ').Select(Hex).ToArray()));
    static readonly Lazy<Dictionary<int, int>> Classes = new(() => Parse(UnicodeNfcData.CombiningClasses, int.Parse));
    static readonly Lazy<Dictionary<long, int>> Compositions = new(() =>
        UnicodeNfcData.Compositions.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split(':')).ToDictionary(
            p => Pair(Hex(p[0].Split(' ')[0]), Hex(p[0].Split(' ')[1])), p => Hex(p[1])));

    /// <summary>True when the runtime's own normalization works (ICU loaded).</summary>
    public static bool RuntimeNormalizes { get; } = IsRuntimeWorking();

    public static string Nfc(string text) =>
        IsAscii(text) ? text : RuntimeNormalizes ? text.Normalize(NormalizationForm.FormC) : ToText(Compose(Decompose(text)));

    public static string Nfd(string text) =>
        IsAscii(text) ? text : RuntimeNormalizes ? text.Normalize(NormalizationForm.FormD) : ToText(Decompose(text));

    /// <summary>Canonical decomposition in canonical order.</summary>
    static List<int> Decompose(string text)
    {
        var output = new List<int>(text.Length + 8);
        foreach (var rune in text.EnumerateRunes())
        {
            int cp = rune.Value;
            int s = cp - SBase;
            if (s >= 0 && s < SCount)
            {
                output.Add(LBase + s / NCount);
                output.Add(VBase + s % NCount / TCount);
                if (s % TCount != 0) output.Add(TBase + s % TCount);
            }
            else if (Decompositions.Value.TryGetValue(cp, out var parts)) output.AddRange(parts);
            else output.Add(cp);
        }
        // Canonical ordering: a stable sort of each run of non-starters by combining class.
        for (int i = 1; i < output.Count; i++)
        {
            int c = Class(output[i]);
            if (c == 0) continue;
            for (int j = i; j > 0 && Class(output[j - 1]) > c; j--) (output[j - 1], output[j]) = (output[j], output[j - 1]);
        }
        return output;
    }

    static List<int> Compose(List<int> cps)
    {
        if (cps.Count == 0) return cps;
        var output = new List<int>(cps.Count) { cps[0] };
        int starterAt = Class(cps[0]) == 0 ? 0 : -1;
        int lastClass = Class(cps[0]) == 0 ? 0 : 256;
        for (int i = 1; i < cps.Count; i++)
        {
            int cp = cps[i], cls = Class(cp);
            // A mark composes with the last starter unless a mark of the same or higher class sits between them.
            if (starterAt >= 0 && (lastClass < cls || lastClass == 0) && TryCompose(output[starterAt], cp, out var composite))
            {
                output[starterAt] = composite;
                continue;
            }
            if (cls == 0) starterAt = output.Count;
            lastClass = cls;
            output.Add(cp);
        }
        return output;
    }

    static bool TryCompose(int first, int second, out int composite)
    {
        int l = first - LBase, v = second - VBase, s = first - SBase, t = second - TBase;
        if (l >= 0 && l < LCount && v >= 0 && v < VCount) { composite = SBase + (l * VCount + v) * TCount; return true; }
        if (s >= 0 && s < SCount && s % TCount == 0 && t > 0 && t < TCount) { composite = first + t; return true; }
        return Compositions.Value.TryGetValue(Pair(first, second), out composite);
    }

    static int Class(int cp) => cp < 0x300 ? 0 : Classes.Value.GetValueOrDefault(cp);

    static string ToText(List<int> cps)
    {
        var sb = new StringBuilder(cps.Count);
        foreach (var cp in cps) sb.Append(char.ConvertFromUtf32(cp));
        return sb.ToString();
    }

    static bool IsAscii(string text)
    {
        foreach (var c in text) if (c >= 0x80) return false;
        return true;
    }

    static bool IsRuntimeWorking()
    {
        try
        {
            return "e\u0301".Normalize(NormalizationForm.FormC) == "\u00e9";
        }
        catch (PlatformNotSupportedException)
        {
            return false;
        }
    }

    static Dictionary<int, T> Parse<T>(string table, Func<string, T> value) =>
        table.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(e => e.Split(':')).ToDictionary(p => Hex(p[0]), p => value(p[1]));

    static int Hex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    static long Pair(int a, int b) => ((long)a << 21) | (uint)b;
}
