using System.Text;
using System.Text.Json;

namespace LlamaDuo.Models.Tokenizers;

/// <summary>
/// tokenizer.json's "normalizer", applied to each stretch of text between added tokens: Prepend, Replace, the
/// Unicode normal forms, Lowercase, or a Sequence of them. Other types are rejected when the file is loaded.
/// </summary>
internal sealed class TextNormalizer
{
    readonly List<Func<string, string>> _steps = new();

    public static TextNormalizer Parse(JsonElement? spec, string file)
    {
        var normalizer = new TextNormalizer();
        if (spec is { ValueKind: JsonValueKind.Object } element) normalizer.Add(element, file);
        return normalizer;
    }

    public string Apply(string text)
    {
        foreach (var step in _steps) text = step(text);
        return text;
    }

    void Add(JsonElement spec, string file)
    {
        var type = spec.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                foreach (var inner in spec.GetProperty("normalizers").EnumerateArray()) Add(inner, file);
                break;
            case "Prepend":
                var prefix = spec.GetProperty("prepend").GetString() ?? "";
                _steps.Add(t => t.Length == 0 ? t : prefix + t);
                break;
            case "Replace":
                var pattern = TokenizerJson.StringPattern(spec, file, "normalizer.Replace");
                var content = spec.GetProperty("content").GetString() ?? "";
                _steps.Add(t => t.Replace(pattern, content, StringComparison.Ordinal));
                break;
            case "NFC": _steps.Add(UnicodeNormalizer.Nfc); break;
            case "NFD": _steps.Add(UnicodeNormalizer.Nfd); break;
            case "NFKC" or "NFKD" when !UnicodeNormalizer.RuntimeNormalizes:
                throw new Core.Errors.InputException(
                    "this normalizer needs ICU, which .NET does not load under InvariantGlobalization", file, field: "normalizer.type", value: type);
            case "NFKC": _steps.Add(t => t.Normalize(NormalizationForm.FormKC)); break;
            case "NFKD": _steps.Add(t => t.Normalize(NormalizationForm.FormKD)); break;
            case "Lowercase": _steps.Add(t => t.ToLowerInvariant()); break;
            default:
                throw new Core.Errors.InputException(
                    "unsupported normalizer type; supported: Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD, Lowercase",
                    file, field: "normalizer.type", value: type);
        }
    }
}
