using System.Text;
using System.Text.Json;

namespace LlamaDuo.Models.Tokenizers;

/// <summary>
/// tokenizer.json's "decoder": turns token texts back into a string. Byte-level tokens map back through GPT-2's
/// alphabet; SentencePiece tokens get "▁" replaced by a space, &lt;0xNN&gt; tokens become raw bytes, and the leading
/// space the normalizer added is stripped. All bytes are joined before UTF-8 decoding so split characters survive.
/// </summary>
internal sealed class TokenDecoder
{
    readonly List<(string Pattern, string Content)> _replacements = new();
    bool _byteLevel;
    bool _byteFallback;
    int _stripStart;

    public static TokenDecoder Parse(JsonElement? spec, string file)
    {
        var decoder = new TokenDecoder();
        if (spec is { ValueKind: JsonValueKind.Object } element) decoder.Add(element, file);
        return decoder;
    }

    /// <summary>Decodes tokens; IsAddedToken marks entries of added_tokens.</summary>
    public string Decode(IEnumerable<(string Text, bool IsAddedToken)> tokens)
    {
        var bytes = new List<byte>();
        foreach (var (text, added) in tokens)
        {
            // Added tokens are written out as they are, except that SentencePiece replacements ("▁" -> " ") apply
            // to them too (Gemma's whitespace-run tokens).
            if (added && _byteLevel) bytes.AddRange(Encoding.UTF8.GetBytes(text));
            else if (_byteLevel) ByteLevelAlphabet.AppendBytes(text, bytes);
            else if (!added && _byteFallback && IsByteToken(text)) bytes.Add(Convert.ToByte(text.Substring(3, 2), 16));
            else
            {
                var t = text;
                foreach (var (pattern, content) in _replacements) t = t.Replace(pattern, content, StringComparison.Ordinal);
                bytes.AddRange(Encoding.UTF8.GetBytes(t));
            }
        }
        var result = Encoding.UTF8.GetString(bytes.ToArray());
        int strip = 0;
        while (strip < _stripStart && strip < result.Length && result[strip] == ' ') strip++;
        return result[strip..];
    }

    /// <summary>True for "&lt;0xNN&gt;" byte-fallback tokens.</summary>
    public static bool IsByteToken(string text) =>
        text.Length == 6 && text.StartsWith("<0x", StringComparison.Ordinal) && text[5] == '>'
        && Uri.IsHexDigit(text[3]) && Uri.IsHexDigit(text[4]);

    void Add(JsonElement spec, string file)
    {
        var type = spec.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                foreach (var inner in spec.GetProperty("decoders").EnumerateArray()) Add(inner, file);
                break;
            case "ByteLevel": _byteLevel = true; break;
            case "ByteFallback": _byteFallback = true; break;
            case "Fuse": break;   // joining is what Decode does anyway
            case "Replace":
                _replacements.Add((TokenizerJson.StringPattern(spec, file, "decoder.Replace"), spec.GetProperty("content").GetString() ?? ""));
                break;
            case "Strip":
                _stripStart = spec.TryGetProperty("start", out var start) ? start.GetInt32() : 0;
                break;
            case "Metaspace":
                var replacement = spec.TryGetProperty("replacement", out var rep) ? rep.GetString() ?? "▁" : "▁";
                _replacements.Add((replacement, " "));
                string scheme = spec.TryGetProperty("prepend_scheme", out var ps) ? ps.GetString() ?? "always"
                    : spec.TryGetProperty("add_prefix_space", out var aps) && !aps.GetBoolean() ? "never" : "always";
                if (scheme != "never") _stripStart = 1;
                break;
            default:
                throw new Core.Errors.InputException(
                    "unsupported decoder type; supported: Sequence, ByteLevel, ByteFallback, Fuse, Replace, Strip, Metaspace",
                    file, field: "decoder.type", value: type);
        }
    }
}
