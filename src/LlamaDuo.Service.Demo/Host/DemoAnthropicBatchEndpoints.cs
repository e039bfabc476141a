using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Demo.Host;

/// <summary>
/// Anthropic's Message Batches endpoints as its API reference documents them: <c>POST /v1/messages/batches</c>
/// (<c>{requests: [{custom_id, params}]}</c>), <c>GET /v1/messages/batches/{id}</c> and
/// <c>GET /v1/messages/batches/{id}/results</c> (JSONL, available once processing_status is ended). Requests need
/// <c>x-api-key</c> and <c>anthropic-version</c>; errors are <c>{type: "error", error: {type, message}}</c>. Each
/// request is answered through the chat responders in the background; failed lines are <c>errored</c>, lines past
/// <see cref="DemoBatchOptions.ExpireAfter"/> <c>expired</c>.
/// </summary>
sealed partial class DemoAnthropicBatchEndpoints(DemoBatchAnswerer answerer, DemoServiceStats stats)
{
    readonly ConcurrentDictionary<string, (JsonObject Batch, StringBuilder Results)> _batches = new();
    int _next;
    // Ids are unique across server starts, as real ones are: a restarted server must not reuse an old batch id.
    readonly string _server = Guid.NewGuid().ToString("N")[..8] + "_";

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex CustomIdPattern();

    public async Task Create(HttpContext http)
    {
        if (!await Headers(http)) return;
        JsonNode? body;
        try { body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted); }
        catch (JsonException e) { await Error(http, 400, "invalid_request_error", $"the request body is not valid JSON: {e.Message}"); return; }
        if (body?["requests"] is not JsonArray requests || requests.Count == 0)
        { await Error(http, 400, "invalid_request_error", "requests: Field required (a non-empty list)"); return; }
        var parsed = new List<(string CustomId, List<ChatMessage> Messages, int MaxTokens)>();
        var seen = new HashSet<string>();
        for (int i = 0; i < requests.Count; i++)
        {
            var (request, error) = ParseRequest(requests[i], i);
            if (request is null) { await Error(http, 400, "invalid_request_error", error!); return; }
            if (!seen.Add(request.Value.CustomId))
            { await Error(http, 400, "invalid_request_error", $"requests.{i}.custom_id: '{request.Value.CustomId}' is not unique within the batch"); return; }
            parsed.Add(request.Value);
        }

        var id = $"msgbatch_demo{_server}{Interlocked.Increment(ref _next)}";
        var created = DateTimeOffset.UtcNow;
        var batch = new JsonObject
        {
            ["id"] = id, ["type"] = "message_batch", ["processing_status"] = "in_progress",
            ["request_counts"] = Counts(parsed.Count, 0, 0, 0), ["ended_at"] = null, ["created_at"] = created.ToString("O"),
            ["expires_at"] = created.AddHours(24).ToString("O"), ["archived_at"] = null, ["cancel_initiated_at"] = null,
            ["results_url"] = null,
        };
        var resultsUrl = $"{http.Request.Scheme}://{http.Request.Host}/v1/messages/batches/{id}/results";
        var results = new StringBuilder();
        _batches[id] = (batch, results);
        stats.BatchCreated();
        _ = Task.Run(() => Process(batch, results, parsed, resultsUrl));
        await Json(http, 200, Snapshot(batch));
    }

    public async Task Get(HttpContext http, string id)
    {
        if (!await Headers(http)) return;
        if (!_batches.TryGetValue(id, out var entry)) { await Error(http, 404, "not_found_error", $"message batch '{id}' not found"); return; }
        await Json(http, 200, Snapshot(entry.Batch));
    }

    public async Task Results(HttpContext http, string id)
    {
        if (!await Headers(http)) return;
        if (!_batches.TryGetValue(id, out var entry)) { await Error(http, 404, "not_found_error", $"message batch '{id}' not found"); return; }
        string text;
        lock (entry.Batch)
        {
            if ((string?)entry.Batch["processing_status"] != "ended") text = "";
            else text = entry.Results.ToString();
        }
        if (text.Length == 0) { await Error(http, 400, "invalid_request_error", $"message batch '{id}' is still processing; results are available once it has ended"); return; }
        http.Response.ContentType = "application/x-jsonl";
        await http.Response.WriteAsync(text, http.RequestAborted);
    }

    async Task Process(JsonObject batch, StringBuilder results, List<(string CustomId, List<ChatMessage> Messages, int MaxTokens)> requests, string resultsUrl)
    {
        await Task.Delay(answerer.Options.StepMs);
        int succeeded = 0, errored = 0, expired = 0;
        for (int i = 0; i < requests.Count; i++)
        {
            var (customId, messages, maxTokens) = requests[i];
            stats.BatchLine();
            JsonObject result;
            if (answerer.Expires(i)) { result = new JsonObject { ["type"] = "expired" }; expired++; }
            else if (answerer.Fails(customId))
            {
                result = new JsonObject { ["type"] = "errored", ["error"] = ErrorBody("api_error", "internal error (injected by the demo service)") };
                errored++;
            }
            else
            {
                var (text, cut, prompt, completion) = answerer.Answer(messages, maxTokens);
                result = new JsonObject { ["type"] = "succeeded", ["message"] = Message(text, cut, prompt, completion) };
                succeeded++;
            }
            lock (batch)
            {
                results.Append(new JsonObject { ["custom_id"] = customId, ["result"] = result }.ToJsonString()).Append('\n');
                batch["request_counts"] = Counts(requests.Count - i - 1, succeeded, errored, expired);
            }
        }
        await Task.Delay(answerer.Options.StepMs);
        lock (batch)
        {
            batch["processing_status"] = "ended";
            batch["ended_at"] = DateTimeOffset.UtcNow.ToString("O");
            batch["results_url"] = resultsUrl;
        }
    }

    static ((string CustomId, List<ChatMessage> Messages, int MaxTokens)? Request, string? Error) ParseRequest(JsonNode? node, int i)
    {
        var customId = node?["custom_id"]?.GetValueKind() == JsonValueKind.String ? node["custom_id"]!.GetValue<string>() : null;
        if (customId is null) return (null, $"requests.{i}.custom_id: Field required");
        if (!CustomIdPattern().IsMatch(customId)) return (null, $"requests.{i}.custom_id: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'");
        if (node!["params"] is not JsonObject p) return (null, $"requests.{i}.params: Field required");
        if (p["model"]?.GetValueKind() != JsonValueKind.String) return (null, $"requests.{i}.params.model: Field required");
        if (p["max_tokens"]?.GetValueKind() != JsonValueKind.Number || p["max_tokens"]!.GetValue<int>() < 1)
            return (null, $"requests.{i}.params.max_tokens: Field required (a positive integer)");
        if (p["messages"] is not JsonArray list || list.Count == 0) return (null, $"requests.{i}.params.messages: Field required (a non-empty list)");
        var messages = new List<ChatMessage>();
        if (p["system"]?.GetValueKind() == JsonValueKind.String) messages.Add(new ChatMessage(ChatRole.System, p["system"]!.GetValue<string>()));
        foreach (var m in list)
        {
            var role = m?["role"]?.GetValueKind() == JsonValueKind.String ? m["role"]!.GetValue<string>() : null;
            if (role is not ("user" or "assistant")) return (null, $"requests.{i}.params.messages: role must be 'user' or 'assistant'");
            var content = m!["content"];
            var text = content?.GetValueKind() switch
            {
                JsonValueKind.String => content.GetValue<string>(),
                JsonValueKind.Array => string.Concat(content.AsArray().Select(b => (string?)b?["text"] ?? "")),
                _ => null,
            };
            if (text is null) return (null, $"requests.{i}.params.messages: content must be a string or a list of content blocks");
            messages.Add(new ChatMessage(new ChatRole(role), text));
        }
        return ((customId, messages, p["max_tokens"]!.GetValue<int>()), null);
    }

    JsonObject Message(string text, bool cut, int prompt, int completion) => new()
    {
        ["id"] = $"msg_demo{Interlocked.Increment(ref _next)}", ["type"] = "message", ["role"] = "assistant",
        ["model"] = DemoServiceOptions.ResponseModel,
        ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }),
        ["stop_reason"] = cut ? "max_tokens" : "end_turn", ["stop_sequence"] = null,
        ["usage"] = new JsonObject { ["input_tokens"] = prompt, ["output_tokens"] = completion },
    };

    static JsonObject Counts(int processing, int succeeded, int errored, int expired) => new()
    {
        ["processing"] = processing, ["succeeded"] = succeeded, ["errored"] = errored, ["canceled"] = 0, ["expired"] = expired,
    };

    static JsonObject ErrorBody(string type, string message) =>
        new() { ["type"] = "error", ["error"] = new JsonObject { ["type"] = type, ["message"] = message } };

    /// <summary>The API refuses requests without a key (401) or without a version header (400).</summary>
    static async Task<bool> Headers(HttpContext http)
    {
        if (string.IsNullOrEmpty(http.Request.Headers["x-api-key"]))
        { await Error(http, 401, "authentication_error", "x-api-key header is required"); return false; }
        if (string.IsNullOrEmpty(http.Request.Headers["anthropic-version"]))
        { await Error(http, 400, "invalid_request_error", "anthropic-version: header is required"); return false; }
        return true;
    }

    static JsonObject Snapshot(JsonObject batch)
    {
        lock (batch) return (JsonObject)batch.DeepClone();
    }

    static Task Json(HttpContext http, int status, JsonNode body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
    }

    static Task Error(HttpContext http, int status, string type, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(ErrorBody(type, message).ToJsonString(), http.RequestAborted);
    }
}
