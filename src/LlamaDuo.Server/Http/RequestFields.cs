using System.Text.Json;

namespace LlamaDuo.Server.Http;

/// <summary>
/// What the server does with the top-level request fields it does not map: a field that does not change the answer
/// is ignored (user, metadata), a feature we do not have is accepted only at its no-op value (logprobs: false,
/// response_format text, penalties 0, an empty tools list), and anything else is a 400 naming the field, so a
/// client asking for tools or JSON mode learns it at once instead of getting a plain 200.
/// </summary>
internal static class RequestFields
{
    /// <summary>Fields that only label or route a request at OpenAI; they never change the generated text.</summary>
    static readonly HashSet<string> Ignored = ["user", "metadata", "store", "service_tier", "safety_identifier", "prompt_cache_key"];

    /// <summary>Known OpenAI fields we do not implement, each with the test for its no-op value.</summary>
    static readonly Dictionary<string, Func<JsonElement, bool>> NoOpValues = new()
    {
        ["tools"] = EmptyArray, ["functions"] = EmptyArray,
        ["tool_choice"] = v => IsString(v, "none"), ["function_call"] = v => IsString(v, "none"),
        ["parallel_tool_calls"] = v => v.ValueKind is JsonValueKind.True or JsonValueKind.False, // meaningless without tools
        ["logprobs"] = v => v.ValueKind == JsonValueKind.False, ["top_logprobs"] = IsZero,
        ["response_format"] = v => v.ValueKind == JsonValueKind.Object && v.TryGetProperty("type", out var t) && IsString(t, "text"),
        ["presence_penalty"] = IsZero, ["frequency_penalty"] = IsZero,
        ["logit_bias"] = v => v.ValueKind == JsonValueKind.Object && !v.EnumerateObject().Any(),
        ["modalities"] = v => v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(m => IsString(m, "text")),
        ["reasoning_effort"] = _ => false, ["audio"] = _ => false, ["prediction"] = _ => false, ["web_search_options"] = _ => false,
        // Legacy completions.
        ["echo"] = v => v.ValueKind == JsonValueKind.False, ["suffix"] = v => IsString(v, ""), ["best_of"] = v => IsInteger(v, 1),
    };

    /// <summary>Throws a 400 naming the first field of <paramref name="extra"/> the server would otherwise ignore.</summary>
    public static void Check(Dictionary<string, JsonElement>? extra)
    {
        if (extra is null) return;
        foreach (var (name, value) in extra)
        {
            // A null is how many clients write "not set".
            if (value.ValueKind == JsonValueKind.Null || Ignored.Contains(name)) continue;
            if (NoOpValues.TryGetValue(name, out var isNoOp))
            {
                if (isNoOp(value)) continue;
                throw ApiException.BadRequest($"'{name}' is not supported by this server (it serves plain text generation: no tools, " +
                    "function calling, log probabilities, penalties or structured output). Remove the field.", name, "unsupported_parameter");
            }
            throw ApiException.BadRequest($"Unrecognized request argument supplied: {name}", name, "unsupported_parameter");
        }
    }

    static bool EmptyArray(JsonElement v) => v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 0;
    static bool IsString(JsonElement v, string expected) => v.ValueKind == JsonValueKind.String && v.GetString() == expected;
    static bool IsZero(JsonElement v) => v.ValueKind == JsonValueKind.Number && v.GetDouble() == 0;
    static bool IsInteger(JsonElement v, int expected) => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) && i == expected;
}
