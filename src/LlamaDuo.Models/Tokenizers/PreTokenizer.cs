using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlamaDuo.Models.Tokenizers;

/// <summary>
/// tokenizer.json's "pre_tokenizer": cuts normalized text into the words BPE runs on. Supports Split (regex or
/// string pattern), ByteLevel, Metaspace, Digits and Sequence; other types are rejected when the file is loaded.
/// </summary>
internal sealed class PreTokenizer
{
    /// <summary>GPT-2's word pattern, used by a ByteLevel pre-tokenizer with use_regex.</summary>
    const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    readonly List<Func<List<string>, bool, List<string>>> _steps = new();

    /// <summary>True when a ByteLevel step maps the words to GPT-2's byte alphabet.</summary>
    public bool IsByteLevel { get; private set; }

    /// <summary>The regex of the first Split step (the word pattern llama.cpp's pre-tokenizer name stands for), if any.</summary>
    public string? SplitPattern { get; private set; }

    /// <summary>The Metaspace replacement character when a Metaspace step is present ("▁").</summary>
    public string? MetaspaceReplacement { get; private set; }

    /// <summary>The Metaspace prepend scheme ("always", "first", "never") when a Metaspace step is present.</summary>
    public string? MetaspacePrependScheme { get; private set; }

    public static PreTokenizer Parse(JsonElement? spec, string file)
    {
        var pre = new PreTokenizer();
        if (spec is { ValueKind: JsonValueKind.Object } element) pre.Add(element, file);
        return pre;
    }

    /// <summary>Splits one normalized stretch of text; <paramref name="atTextStart"/> is true for the stretch at offset 0.</summary>
    public List<string> Apply(string text, bool atTextStart)
    {
        var words = new List<string> { text };
        foreach (var step in _steps) words = step(words, atTextStart);
        return words;
    }

    void Add(JsonElement spec, string file)
    {
        var type = spec.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                foreach (var inner in spec.GetProperty("pretokenizers").EnumerateArray()) Add(inner, file);
                break;
            case "Split":
                AddSplit(spec, file);
                break;
            case "Digits":
                bool individual = spec.TryGetProperty("individual_digits", out var ind) && ind.GetBoolean();
                var digits = new Regex(individual ? @"\p{N}" : @"\p{N}+", RegexOptions.CultureInvariant);
                _steps.Add((words, _) => SplitAll(words, digits, "Isolated"));
                break;
            case "ByteLevel":
                AddByteLevel(spec);
                break;
            case "Metaspace":
                AddMetaspace(spec);
                break;
            default:
                throw new Core.Errors.InputException(
                    "unsupported pre_tokenizer type; supported: Sequence, Split, Digits, ByteLevel, Metaspace",
                    file, field: "pre_tokenizer.type", value: type);
        }
    }

    void AddSplit(JsonElement spec, string file)
    {
        var behavior = spec.GetProperty("behavior").GetString() ?? "Isolated";
        if (spec.TryGetProperty("invert", out var invert) && invert.GetBoolean())
            throw new Core.Errors.InputException("Split with invert=true is not supported", file, field: "pre_tokenizer.invert");
        if (behavior is not ("Isolated" or "Removed" or "MergedWithPrevious" or "MergedWithNext"))
            throw new Core.Errors.InputException("unsupported Split behavior", file, field: "pre_tokenizer.behavior", value: behavior);
        var pattern = spec.GetProperty("pattern");
        if (pattern.TryGetProperty("Regex", out var source)) SplitPattern ??= source.GetString();
        var regex = pattern.TryGetProperty("Regex", out var r)
            ? new Regex(r.GetString()!, RegexOptions.CultureInvariant | RegexOptions.Compiled)
            : new Regex(Regex.Escape(TokenizerJson.StringPattern(spec, file, "pre_tokenizer.Split")), RegexOptions.CultureInvariant);
        _steps.Add((words, _) => SplitAll(words, regex, behavior));
    }

    void AddByteLevel(JsonElement spec)
    {
        IsByteLevel = true;
        bool addPrefixSpace = spec.TryGetProperty("add_prefix_space", out var aps) && aps.GetBoolean();
        bool useRegex = !spec.TryGetProperty("use_regex", out var ur) || ur.GetBoolean();
        var gpt2 = new Regex(Gpt2Pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);
        _steps.Add((words, _) =>
        {
            if (addPrefixSpace) words = words.Select(w => w.StartsWith(' ') ? w : " " + w).ToList();
            if (useRegex) words = SplitAll(words, gpt2, "Isolated");
            return words.Select(ByteLevelAlphabet.Encode).ToList();
        });
    }

    void AddMetaspace(JsonElement spec)
    {
        var replacement = spec.TryGetProperty("replacement", out var rep) ? rep.GetString() ?? "▁" : "▁";
        string scheme = spec.TryGetProperty("prepend_scheme", out var ps) ? ps.GetString() ?? "always"
            : spec.TryGetProperty("add_prefix_space", out var aps) && !aps.GetBoolean() ? "never" : "always";
        bool split = !spec.TryGetProperty("split", out var sp) || sp.GetBoolean();
        MetaspaceReplacement = replacement;
        MetaspacePrependScheme = scheme;
        var splitter = new Regex(Regex.Escape(replacement), RegexOptions.CultureInvariant);
        _steps.Add((words, atTextStart) =>
        {
            var result = new List<string>(words.Count);
            for (int i = 0; i < words.Count; i++)
            {
                var w = words[i].Replace(" ", replacement, StringComparison.Ordinal);
                bool prepend = scheme == "always" || (scheme == "first" && atTextStart && i == 0);
                if (prepend && !w.StartsWith(replacement, StringComparison.Ordinal)) w = replacement + w;
                result.Add(w);
            }
            return split ? SplitAll(result, splitter, "MergedWithNext") : result;
        });
    }

    static List<string> SplitAll(List<string> words, Regex regex, string behavior)
    {
        var result = new List<string>();
        foreach (var word in words) SplitOne(word, regex, behavior, result);
        return result;
    }

    static void SplitOne(string text, Regex regex, string behavior, List<string> result)
    {
        int last = 0;
        string pending = "";   // MergedWithNext: a match waiting to be glued to the following piece
        foreach (Match m in regex.Matches(text))
        {
            if (m.Length == 0) continue;
            var gap = text[last..m.Index];
            switch (behavior)
            {
                case "Isolated":
                    if (gap.Length > 0) result.Add(gap);
                    result.Add(m.Value);
                    break;
                case "Removed":
                    if (gap.Length > 0) result.Add(gap);
                    break;
                case "MergedWithPrevious":
                    result.Add(gap + m.Value);
                    break;
                case "MergedWithNext":
                    if (pending.Length + gap.Length > 0) result.Add(pending + gap);
                    pending = m.Value;
                    break;
            }
            last = m.Index + m.Length;
        }
        var tail = pending + text[last..];
        if (tail.Length > 0) result.Add(tail);
    }
}
