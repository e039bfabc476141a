using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Batch;

/// <summary>
/// OpenAI batch lines: a request line <c>{custom_id, method: "POST", url: "/v1/chat/completions", body}</c> whose body
/// is a chat-completions request, and a result line <c>{id, custom_id, response: {status_code, request_id, body},
/// error}</c> from the output or error file.
/// </summary>
internal static class OpenAiBatchJson
{
    /// <summary>One line of the input file.</summary>
    public static string RequestLine(BatchRequest request, string model)
    {
        var o = request.Options;
        var messages = new JsonArray();
        if (!string.IsNullOrEmpty(o?.Instructions)) messages.Add(new JsonObject { ["role"] = "system", ["content"] = o.Instructions });
        foreach (var m in request.Messages) messages.Add(new JsonObject { ["role"] = m.Role.Value, ["content"] = m.Text });
        var body = new JsonObject { ["model"] = o?.ModelId ?? model, ["messages"] = messages };
        if (o?.Temperature is { } t) body["temperature"] = t;
        if (o?.TopP is { } p) body["top_p"] = p;
        if (o?.MaxOutputTokens is { } max) body["max_completion_tokens"] = max;
        if (o?.Seed is { } seed) body["seed"] = seed;
        if (o?.FrequencyPenalty is { } fp) body["frequency_penalty"] = fp;
        if (o?.PresencePenalty is { } pp) body["presence_penalty"] = pp;
        if (o?.StopSequences is { Count: > 0 } stops) body["stop"] = new JsonArray([.. stops.Select(s => (JsonNode)s)]);
        if (o?.ResponseFormat is ChatResponseFormatJson json)
            body["response_format"] = json.Schema is { } schema
                ? new JsonObject
                {
                    ["type"] = "json_schema",
                    ["json_schema"] = new JsonObject { ["name"] = json.SchemaName ?? "response", ["schema"] = JsonNode.Parse(schema.GetRawText()) },
                }
                : new JsonObject { ["type"] = "json_object" };
        var line = new JsonObject { ["custom_id"] = request.CustomId, ["method"] = "POST", ["url"] = OpenAiBatchApi.Endpoint, ["body"] = body };
        return line.ToJsonString();
    }

    /// <summary>One line of the output or error file as a result, or null when it has no custom_id.</summary>
    public static BatchResult? ParseResultLine(JsonElement line, string batchId)
    {
        if (BatchHttp.String(line, "custom_id") is not { } customId) return null;
        if (line.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            return new BatchResult(customId, null, $"{BatchHttp.String(error, "code")}: {BatchHttp.String(error, "message")}");
        if (!line.TryGetProperty("response", out var response) || response.ValueKind != JsonValueKind.Object)
            return new BatchResult(customId, null, "the result line has neither response nor error");
        var status = BatchHttp.Int(response, "status_code");
        var body = response.TryGetProperty("body", out var b) ? b : default;
        if (status != 200)
            return new BatchResult(customId, null, $"HTTP {status}: {BatchHttp.ErrorMessage(body.ValueKind == JsonValueKind.Undefined ? "" : body.GetRawText())}", status);
        return new BatchResult(customId, Completion(body, batchId), null, status);
    }

    /// <summary>A chat-completions response body as a ChatResponse tagged with the batch id.</summary>
    static ChatResponse Completion(JsonElement body, string batchId)
    {
        var choice = body.TryGetProperty("choices", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
            ? choices[0] : default;
        var message = choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("message", out var m) ? m : default;
        var text = BatchHttp.String(message, "content") ?? "";
        var usage = body.TryGetProperty("usage", out var u) ? u : default;
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ResponseId = BatchHttp.String(body, "id"),
            ModelId = BatchHttp.String(body, "model"),
            FinishReason = BatchHttp.String(choice, "finish_reason") switch
            {
                null => null,
                "stop" => ChatFinishReason.Stop,
                "length" => ChatFinishReason.Length,
                "content_filter" => ChatFinishReason.ContentFilter,
                "tool_calls" => ChatFinishReason.ToolCalls,
                var other => new ChatFinishReason(other),
            },
            Usage = new UsageDetails
            {
                InputTokenCount = BatchHttp.Int(usage, "prompt_tokens"),
                OutputTokenCount = BatchHttp.Int(usage, "completion_tokens"),
                TotalTokenCount = BatchHttp.Int(usage, "total_tokens"),
            },
            AdditionalProperties = new() { [BatchTags.BatchId] = batchId },
        };
    }
}
