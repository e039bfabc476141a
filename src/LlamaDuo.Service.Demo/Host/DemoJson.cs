using System.Text;
using System.Text.Json;

namespace LlamaDuo.Service.Demo.Host;

/// <summary>The demo service's response bodies, written as OpenAI documents them.</summary>
static class DemoJson
{
    public static string Completion(string id, long created, string content, string finishReason, int promptTokens, int completionTokens) =>
        Write(json =>
        {
            json.WriteString("id", id);
            json.WriteString("object", "chat.completion");
            json.WriteNumber("created", created);
            json.WriteString("model", DemoServiceOptions.ResponseModel);
            json.WriteString("system_fingerprint", "llamaduo-demo-stand-in");
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("message");
            json.WriteString("role", "assistant");
            json.WriteString("content", content);
            json.WriteEndObject();
            json.WriteNull("logprobs");
            json.WriteString("finish_reason", finishReason);
            json.WriteEndObject();
            json.WriteEndArray();
            Usage(json, promptTokens, completionTokens);
        });

    public static string Chunk(string id, long created, string? role, string? content, string? finishReason) =>
        Write(json =>
        {
            ChunkHeader(json, id, created);
            json.WriteStartArray("choices");
            json.WriteStartObject();
            json.WriteNumber("index", 0);
            json.WriteStartObject("delta");
            if (role is not null) json.WriteString("role", role);
            if (content is not null) json.WriteString("content", content);
            json.WriteEndObject();
            if (finishReason is null) json.WriteNull("finish_reason"); else json.WriteString("finish_reason", finishReason);
            json.WriteEndObject();
            json.WriteEndArray();
        });

    public static string UsageChunk(string id, long created, int promptTokens, int completionTokens) =>
        Write(json =>
        {
            ChunkHeader(json, id, created);
            json.WriteStartArray("choices");
            json.WriteEndArray();
            Usage(json, promptTokens, completionTokens);
        });

    public static string Error(string message, string type, string? param, string? code) =>
        Write(json =>
        {
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type);
            if (param is null) json.WriteNull("param"); else json.WriteString("param", param);
            if (code is null) json.WriteNull("code"); else json.WriteString("code", code);
            json.WriteEndObject();
        });

    public static string Models(long created) =>
        Write(json =>
        {
            json.WriteString("object", "list");
            json.WriteStartArray("data");
            json.WriteStartObject();
            json.WriteString("id", DemoServiceOptions.ModelId);
            json.WriteString("object", "model");
            json.WriteNumber("created", created);
            json.WriteString("owned_by", "llamaduo (stand-in, not a language model)");
            json.WriteEndObject();
            json.WriteEndArray();
        });

    public static string Stats(DemoServiceStats stats) =>
        Write(json =>
        {
            json.WriteNumber("chat_requests", stats.ChatRequests);
            json.WriteStartObject("by_outcome");
            foreach (var (outcome, n) in stats.ByOutcome.OrderBy(p => p.Key, StringComparer.Ordinal)) json.WriteNumber(outcome, n);
            json.WriteEndObject();
        });

    static void ChunkHeader(Utf8JsonWriter json, string id, long created)
    {
        json.WriteString("id", id);
        json.WriteString("object", "chat.completion.chunk");
        json.WriteNumber("created", created);
        json.WriteString("model", DemoServiceOptions.ResponseModel);
    }

    static void Usage(Utf8JsonWriter json, int promptTokens, int completionTokens)
    {
        json.WriteStartObject("usage");
        json.WriteNumber("prompt_tokens", promptTokens);
        json.WriteNumber("completion_tokens", completionTokens);
        json.WriteNumber("total_tokens", promptTokens + completionTokens);
        json.WriteEndObject();
    }

    static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
