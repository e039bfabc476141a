using System.Text.Json;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Models.Tokenizers;

/// <summary>Reads the parts of tokenizer.json and tokenizer_config.json that a BPE tokenizer needs.</summary>
internal static class TokenizerJson
{
    public static JsonDocument Read(string file)
    {
        if (!File.Exists(file)) throw new InputException("file not found", file);
        try
        {
            using var stream = File.OpenRead(file);
            return JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw new InputException($"not valid JSON ({e.Message})", file, line: (int?)e.LineNumber + 1, inner: e);
        }
    }

    /// <summary>The model.vocab map (token text to id).</summary>
    public static Dictionary<string, int> Vocab(JsonElement model, string file)
    {
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw new InputException("model.vocab is missing or not an object", file, field: "model.vocab");
        var map = new Dictionary<string, int>();
        foreach (var entry in vocab.EnumerateObject()) map[entry.Name] = entry.Value.GetInt32();
        return map;
    }

    /// <summary>model.merges in either spelling: "left right" strings or [left, right] pairs.</summary>
    public static List<(string, string)> Merges(JsonElement model, string file)
    {
        var merges = new List<(string, string)>();
        if (!model.TryGetProperty("merges", out var array) || array.ValueKind != JsonValueKind.Array) return merges;
        foreach (var m in array.EnumerateArray())
        {
            if (m.ValueKind == JsonValueKind.Array)
            {
                merges.Add((m[0].GetString()!, m[1].GetString()!));
                continue;
            }
            var text = m.GetString() ?? "";
            int space = text.IndexOf(' ', 1);
            if (space < 0) throw new InputException("merge entry without a space", file, field: "model.merges", value: text);
            merges.Add((text[..space], text[(space + 1)..]));
        }
        return merges;
    }

    public static List<AddedToken> AddedTokens(JsonElement root)
    {
        var tokens = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var array) || array.ValueKind != JsonValueKind.Array) return tokens;
        foreach (var t in array.EnumerateArray())
        {
            tokens.Add(new AddedToken(
                t.GetProperty("id").GetInt32(),
                t.GetProperty("content").GetString()!,
                Flag(t, "special"), Flag(t, "lstrip"), Flag(t, "rstrip")));
        }
        return tokens;
    }

    /// <summary>A token named in tokenizer_config.json: a plain string, {"content": ...} or null.</summary>
    public static string? ConfigToken(JsonElement? config, string key)
    {
        if (config is not { ValueKind: JsonValueKind.Object } c || !c.TryGetProperty(key, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Object when v.TryGetProperty("content", out var content) => content.GetString(),
            _ => null,
        };
    }

    public static bool? ConfigBool(JsonElement? config, string key) =>
        config is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty(key, out var v)
            && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    public static string? ConfigString(JsonElement? config, string key) =>
        config is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty(key, out var v)
            && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The literal of a {"pattern": {"String": ...}} field.</summary>
    public static string StringPattern(JsonElement spec, string file, string field)
    {
        if (spec.TryGetProperty("pattern", out var p) && p.TryGetProperty("String", out var s)) return s.GetString() ?? "";
        throw new InputException("only String patterns are supported here", file, field: field + ".pattern");
    }

    public static JsonElement? Optional(JsonElement obj, string key) =>
        obj.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    static bool Flag(JsonElement obj, string key) => obj.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.True;
}
