using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Batch;

/// <summary>
/// Anthropic batch bodies: a request's <c>params</c> (as <c>POST /v1/messages</c> takes them: model, max_tokens,
/// messages of user/assistant turns, a top-level system, sampling options) and a result line
/// <c>{custom_id, result: {type: succeeded, message} | {type: errored, error} | {type: canceled} | {type: expired}}</c>.
/// </summary>
internal static class AnthropicBatchJson
{
    /// <summary>The Messages API requires max_tokens; the synchronous client uses the same default.</summary>
    public const int DefaultMaxTokens = 1024;

    /// <summary>The params object of one request.</summary>
    public static JsonObject Params(BatchRequest request, string model)
    {
        var o = request.Options;
        var system = new List<string>();
        if (!string.IsNullOrEmpty(o?.Instructions)) system.Add(o.Instructions);
        var messages = new JsonArray();
        foreach (var m in request.Messages)
        {
            if (m.Role == ChatRole.System) { system.Add(m.Text); continue; }
            messages.Add(new JsonObject { ["role"] = m.Role == ChatRole.Assistant ? "assistant" : "user", ["content"] = m.Text });
        }
        var p = new JsonObject
        {
            ["model"] = o?.ModelId ?? model,
            ["max_tokens"] = o?.MaxOutputTokens ?? DefaultMaxTokens,
            ["messages"] = messages,
        };
        if (system.Count > 0) p["system"] = string.Join("\n\n", system);
        if (o?.Temperature is { } t) p["temperature"] = t;
        if (o?.TopP is { } top) p["top_p"] = top;
        if (o?.TopK is { } k) p["top_k"] = k;
        if (o?.StopSequences is { Count: > 0 } stops) p["stop_sequences"] = new JsonArray([.. stops.Select(s => (JsonNode)s)]);
        return p;
    }

    /// <summary>One results line as a result, or null when it has no custom_id.</summary>
    public static BatchResult? ParseResultLine(JsonElement line, string batchId)
    {
        if (BatchHttp.String(line, "custom_id") is not { } customId) return null;
        var result = line.TryGetProperty("result", out var r) ? r : default;
        switch (BatchHttp.String(result, "type"))
        {
            case "succeeded" when result.TryGetProperty("message", out var message):
                return new BatchResult(customId, Message(message, batchId), null, 200);
            case "errored":
                // error is an error response body: {type: "error", error: {type, message}}.
                var error = result.TryGetProperty("error", out var e) ? e : default;
                var inner = error.ValueKind == JsonValueKind.Object && error.TryGetProperty("error", out var ie) ? ie : error;
                return new BatchResult(customId, null, $"errored: {BatchHttp.String(inner, "type")}: {BatchHttp.String(inner, "message")}");
            case "canceled":
                return new BatchResult(customId, null, "canceled: the batch was cancelled before this request ran");
            case "expired":
                return new BatchResult(customId, null, "expired: the batch reached its 24 hour limit before this request ran");
            case var other:
                return new BatchResult(customId, null, $"unknown result type '{other}'");
        }
    }

    static ChatResponse Message(JsonElement message, string batchId)
    {
        var text = message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array
            ? string.Concat(content.EnumerateArray().Where(b => BatchHttp.String(b, "type") == "text").Select(b => BatchHttp.String(b, "text")))
            : "";
        var usage = message.TryGetProperty("usage", out var u) ? u : default;
        int input = BatchHttp.Int(usage, "input_tokens"), output = BatchHttp.Int(usage, "output_tokens");
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ResponseId = BatchHttp.String(message, "id"),
            ModelId = BatchHttp.String(message, "model"),
            FinishReason = BatchHttp.String(message, "stop_reason") switch
            {
                null => null,
                "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
                "max_tokens" => ChatFinishReason.Length,
                "tool_use" => ChatFinishReason.ToolCalls,
                var other => new ChatFinishReason(other),
            },
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output },
            AdditionalProperties = new() { [BatchTags.BatchId] = batchId },
        };
    }
}
