using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LlamaDuo.Service.Middleware;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Cache;

/// <summary>
/// The cache key of a call: SHA-256 over a canonical JSON of everything that changes the answer (provider, base URL,
/// model, messages, decoding options, response format, cache variant) and nothing else. Credentials are not inputs,
/// so no key or hash of one can end up in the cache. The stage label is left out on purpose: the same call made by
/// two stages is one call.
/// </summary>
internal static class CacheKey
{
    /// <summary>Hex SHA-256 of the canonical description of the call.</summary>
    public static string Compute(string provider, string baseUrl, string model, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("provider", provider);
            // The demo service is a local, deterministic stand-in that gets a new loopback port on every start; its
            // address must not split the cache, or a resumed quickstart would repeat every call.
            json.WriteString("base_url", provider == "demo" ? "" : baseUrl.TrimEnd('/'));
            json.WriteString("model", options?.ModelId ?? model);
            json.WriteStartArray("messages");
            foreach (var message in messages)
            {
                json.WriteStartObject();
                json.WriteString("role", message.Role.Value);
                json.WritePropertyName("contents");
                JsonSerializer.Serialize(json, message.Contents, AIJsonUtilities.DefaultOptions);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            WriteOptions(json, options);
            json.WriteEndObject();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    static void WriteOptions(Utf8JsonWriter json, ChatOptions? o)
    {
        if (o is null) return;
        WriteIf(json, "instructions", o.Instructions);
        WriteIf(json, "temperature", o.Temperature);
        WriteIf(json, "max_output_tokens", o.MaxOutputTokens);
        WriteIf(json, "top_p", o.TopP);
        WriteIf(json, "top_k", o.TopK);
        WriteIf(json, "seed", o.Seed);
        WriteIf(json, "frequency_penalty", o.FrequencyPenalty);
        WriteIf(json, "presence_penalty", o.PresencePenalty);
        if (o.StopSequences is { Count: > 0 } stops) WriteIf(json, "stop", string.Join("\u0001", stops));
        WriteIf(json, "response_format", o.ResponseFormat switch
        {
            null => null,
            ChatResponseFormatJson { Schema: { } schema } => "json:" + schema.GetRawText(),
            ChatResponseFormatJson => "json",
            _ => "text",
        });
        if (o.Tools is { Count: > 0 } tools) WriteIf(json, "tools", string.Join(",", tools.Select(t => t.Name)));
        if (o.AdditionalProperties?.TryGetValue(ServiceCallTags.CacheVariant, out var variant) == true)
            WriteIf(json, "variant", variant?.ToString());
    }

    static void WriteIf(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null) json.WriteString(name, value);
    }

    static void WriteIf(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v) json.WriteNumber(name, v);
    }
}
