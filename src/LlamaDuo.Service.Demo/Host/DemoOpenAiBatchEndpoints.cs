using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace LlamaDuo.Service.Demo.Host;

/// <summary>
/// OpenAI's Files and Batch endpoints as its API reference documents them: <c>POST /v1/files</c> (multipart,
/// purpose + file), <c>GET /v1/files/{id}</c>, <c>GET /v1/files/{id}/content</c>, <c>POST /v1/batches</c>,
/// <c>GET /v1/batches/{id}</c>. A batch validates its input file (every line needs custom_id, method POST, the
/// batch's url, a body; custom ids unique), then answers each line through the chat responders in the background,
/// walking validating, in_progress, finalizing, completed (or failed / expired). Answers go to an output file,
/// failed and expired lines to an error file.
/// </summary>
sealed class DemoOpenAiBatchEndpoints(DemoBatchAnswerer answerer, DemoServiceStats stats)
{
    static readonly string[] Endpoints = ["/v1/chat/completions", "/v1/responses", "/v1/embeddings", "/v1/completions"];
    readonly ConcurrentDictionary<string, (string Name, string Purpose, byte[] Bytes, long Created)> _files = new();
    readonly ConcurrentDictionary<string, JsonObject> _batches = new();
    int _next;
    // Ids are unique across server starts, as real ones are: a restarted server must not reuse an old batch id.
    readonly string _server = Guid.NewGuid().ToString("N")[..8] + "_";

    public async Task UploadFile(HttpContext http)
    {
        if (!http.Request.HasFormContentType) { await Error(http, 400, "expected multipart/form-data with 'purpose' and 'file'", null); return; }
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var purpose = form["purpose"].ToString();
        if (purpose.Length == 0) { await Error(http, 400, "'purpose' is required", "purpose"); return; }
        if (purpose is not ("batch" or "fine-tune" or "assistants" or "vision" or "user_data" or "evals"))
        { await Error(http, 400, $"'{purpose}' is not one of ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] - 'purpose'", "purpose"); return; }
        if (form.Files.GetFile("file") is not { } file) { await Error(http, 400, "'file' is required", "file"); return; }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, http.RequestAborted);
        var id = $"file-demo{Interlocked.Increment(ref _next)}";
        _files[id] = (file.FileName, purpose, buffer.ToArray(), Now());
        await Json(http, 200, FileObject(id));
    }

    public async Task GetFile(HttpContext http, string id)
    {
        if (!_files.ContainsKey(id)) { await Error(http, 404, $"No such File object: {id}", "id"); return; }
        await Json(http, 200, FileObject(id));
    }

    public async Task GetFileContent(HttpContext http, string id)
    {
        if (!_files.TryGetValue(id, out var file)) { await Error(http, 404, $"No such File object: {id}", "id"); return; }
        http.Response.ContentType = "application/octet-stream";
        await http.Response.Body.WriteAsync(file.Bytes, http.RequestAborted);
    }

    public async Task CreateBatch(HttpContext http)
    {
        JsonNode? body;
        try { body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted); }
        catch (JsonException e) { await Error(http, 400, $"the request body is not valid JSON: {e.Message}", null); return; }
        var inputFile = body?["input_file_id"]?.GetValue<string>();
        var endpoint = body?["endpoint"]?.GetValue<string>();
        var window = body?["completion_window"]?.GetValue<string>();
        if (inputFile is null) { await Error(http, 400, "Missing required parameter: 'input_file_id'.", "input_file_id"); return; }
        if (endpoint is null) { await Error(http, 400, "Missing required parameter: 'endpoint'.", "endpoint"); return; }
        if (!Endpoints.Contains(endpoint)) { await Error(http, 400, $"Invalid value: '{endpoint}'. Supported values are: {string.Join(", ", Endpoints)}.", "endpoint"); return; }
        if (window is null) { await Error(http, 400, "Missing required parameter: 'completion_window'.", "completion_window"); return; }
        if (window != "24h") { await Error(http, 400, $"Invalid value: '{window}'. Supported values are: '24h'.", "completion_window"); return; }
        if (!_files.TryGetValue(inputFile, out var file)) { await Error(http, 400, $"No such File object: {inputFile}", "input_file_id"); return; }
        if (file.Purpose != "batch") { await Error(http, 400, $"File {inputFile} has purpose '{file.Purpose}', expected 'batch'.", "input_file_id"); return; }

        var id = $"batch_demo{_server}{Interlocked.Increment(ref _next)}";
        var created = Now();
        var batch = new JsonObject
        {
            ["id"] = id, ["object"] = "batch", ["endpoint"] = endpoint, ["errors"] = null, ["input_file_id"] = inputFile,
            ["completion_window"] = window, ["status"] = "validating", ["output_file_id"] = null, ["error_file_id"] = null,
            ["created_at"] = created, ["in_progress_at"] = null, ["expires_at"] = created + 86_400, ["finalizing_at"] = null,
            ["completed_at"] = null, ["failed_at"] = null, ["expired_at"] = null, ["cancelling_at"] = null, ["cancelled_at"] = null,
            ["request_counts"] = Counts(0, 0, 0), ["metadata"] = body?["metadata"]?.DeepClone(),
        };
        _batches[id] = batch;
        stats.BatchCreated();
        _ = Task.Run(() => Process(batch, endpoint, Encoding.UTF8.GetString(file.Bytes)));
        if (Interlocked.Increment(ref _creates) <= answerer.Options.LoseCreateAnswers)
        {
            await Json(http, 500, new JsonObject { ["error"] = new JsonObject { ["message"] = "The server had an error while processing your request.", ["type"] = "server_error", ["param"] = null, ["code"] = null } });
            return;
        }
        await Json(http, 200, Snapshot(batch));
    }

    int _creates;

    /// <summary>GET /v1/batches: newest first, <c>limit</c> 1..100 (default 20), <c>after</c> a batch id, as the list reference describes.</summary>
    public async Task ListBatches(HttpContext http)
    {
        var limit = int.TryParse(http.Request.Query["limit"], out var l) ? l : 20;
        if (limit is < 1 or > 100) { await Error(http, 400, $"Invalid 'limit': integer above maximum value, expected a value <= 100, but got {limit} instead.", "limit"); return; }
        var newest = _batches.Values.Select(Snapshot).OrderByDescending(b => b["created_at"]!.GetValue<long>()).ThenByDescending(b => Number(b["id"]!.GetValue<string>())).ToList();
        if (http.Request.Query["after"].ToString() is { Length: > 0 } after)
            newest = newest.SkipWhile(b => b["id"]!.GetValue<string>() != after).Skip(1).ToList();
        var page = newest.Take(limit).ToList();
        await Json(http, 200, new JsonObject
        {
            ["object"] = "list", ["data"] = new JsonArray([.. page]),
            ["first_id"] = page.FirstOrDefault()?["id"]?.GetValue<string>(), ["last_id"] = page.LastOrDefault()?["id"]?.GetValue<string>(),
            ["has_more"] = newest.Count > page.Count,
        });
    }

    static int Number(string id) => int.TryParse(id[(id.LastIndexOf('_') + 1)..], out var n) ? n : 0;

    public async Task GetBatch(HttpContext http, string id)
    {
        if (!_batches.TryGetValue(id, out var batch)) { await Error(http, 404, $"No batch found with id '{id}'.", "batch_id"); return; }
        await Json(http, 200, Snapshot(batch));
    }

    async Task Process(JsonObject batch, string endpoint, string input)
    {
        var step = answerer.Options.StepMs;
        await Task.Delay(step);
        var (lines, errors) = Validate(input, endpoint);
        if (errors.Count > 0)
        {
            Set(batch, b => { b["status"] = "failed"; b["failed_at"] = Now(); b["errors"] = new JsonObject { ["object"] = "list", ["data"] = errors }; });
            return;
        }
        Set(batch, b => { b["status"] = "in_progress"; b["in_progress_at"] = Now(); b["request_counts"] = Counts(lines.Count, 0, 0); });
        await Task.Delay(step);
        var output = new StringBuilder();
        var failed = new StringBuilder();
        int ok = 0, bad = 0;
        bool expired = false;
        for (int i = 0; i < lines.Count; i++)
        {
            var (customId, body) = lines[i];
            var lineId = $"batch_req_demo{Interlocked.Increment(ref _next)}";
            stats.BatchLine();
            if (answerer.Expires(i))
            {
                expired = true;
                failed.Append(new JsonObject { ["id"] = lineId, ["custom_id"] = customId, ["response"] = null,
                    ["error"] = new JsonObject { ["code"] = "batch_expired", ["message"] = "This request could not be executed before the completion window expired." } }.ToJsonString()).Append('\n');
                bad++;
            }
            else if (answerer.Fails(customId) || DemoChatRequest.Parse(body) is not ({ } request, _, _))
            {
                var parsed = DemoChatRequest.Parse(body);
                var (status, error) = parsed.Request is null
                    ? (400, JsonNode.Parse(DemoJson.Error(parsed.Error!, "invalid_request_error", parsed.Param, null)))
                    : (500, JsonNode.Parse(DemoJson.Error("internal error (injected by the demo service)", "server_error", null, null)));
                failed.Append(ResultLine(lineId, customId, status, error)).Append('\n');
                bad++;
            }
            else
            {
                var (text, cut, prompt, completion) = answerer.Answer(request.Messages, request.MaxTokens);
                var completionJson = JsonNode.Parse(DemoJson.Completion($"chatcmpl-demo-b{lineId}", Now(), text, cut ? "length" : "stop", prompt, completion));
                output.Append(ResultLine(lineId, customId, 200, completionJson)).Append('\n');
                ok++;
            }
            Set(batch, b => b["request_counts"] = Counts(lines.Count, ok, bad));
        }
        Set(batch, b => { b["status"] = "finalizing"; b["finalizing_at"] = Now(); });
        await Task.Delay(step);
        var outputId = output.Length > 0 ? AddFile("batch_output.jsonl", output) : null;
        var errorId = failed.Length > 0 ? AddFile("batch_errors.jsonl", failed) : null;
        Set(batch, b =>
        {
            b["output_file_id"] = outputId;
            b["error_file_id"] = errorId;
            b["status"] = expired ? "expired" : "completed";
            b[expired ? "expired_at" : "completed_at"] = Now();
        });
    }

    static (List<(string CustomId, JsonElement Body)> Lines, JsonArray Errors) Validate(string input, string endpoint)
    {
        var lines = new List<(string, JsonElement)>();
        var errors = new JsonArray();
        var seen = new HashSet<string>();
        var number = 0;
        foreach (var text in input.Split('\n'))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonElement line;
            try { line = JsonDocument.Parse(text).RootElement; }
            catch (JsonException) { errors.Add(LineError("invalid_json_line", "This line is not parseable as valid JSON.", null, number)); continue; }
            var customId = line.ValueKind == JsonValueKind.Object && line.TryGetProperty("custom_id", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : null;
            if (customId is null) errors.Add(LineError("missing_required_parameter", "Missing required parameter: 'custom_id'.", "custom_id", number));
            else if (!seen.Add(customId)) errors.Add(LineError("duplicate_custom_id", $"The custom_id '{customId}' is used more than once.", "custom_id", number));
            else if (!line.TryGetProperty("method", out var m) || m.GetString() != "POST") errors.Add(LineError("invalid_method", "The only supported method is 'POST'.", "method", number));
            else if (!line.TryGetProperty("url", out var u) || u.GetString() != endpoint) errors.Add(LineError("mismatched_endpoint", $"The url must match the batch's endpoint '{endpoint}'.", "url", number));
            else if (!line.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.Object) errors.Add(LineError("missing_required_parameter", "Missing required parameter: 'body'.", "body", number));
            else lines.Add((customId, body.Clone()));
        }
        if (lines.Count == 0 && errors.Count == 0) errors.Add(LineError("empty_file", "The input file has no requests.", null, null));
        return (lines, errors);
    }

    static JsonObject LineError(string code, string message, string? param, int? line) =>
        new() { ["code"] = code, ["message"] = message, ["param"] = param, ["line"] = line };

    static string ResultLine(string lineId, string customId, int status, JsonNode? body) =>
        new JsonObject
        {
            ["id"] = lineId, ["custom_id"] = customId,
            ["response"] = new JsonObject { ["status_code"] = status, ["request_id"] = "req_" + lineId, ["body"] = body },
            ["error"] = null,
        }.ToJsonString();

    string AddFile(string name, StringBuilder content)
    {
        var id = $"file-demo{Interlocked.Increment(ref _next)}";
        _files[id] = (name, "batch_output", Encoding.UTF8.GetBytes(content.ToString()), Now());
        return id;
    }

    JsonObject FileObject(string id)
    {
        var f = _files[id];
        return new JsonObject { ["id"] = id, ["object"] = "file", ["bytes"] = f.Bytes.Length, ["created_at"] = f.Created, ["filename"] = f.Name, ["purpose"] = f.Purpose };
    }

    static JsonObject Counts(int total, int completed, int failed) => new() { ["total"] = total, ["completed"] = completed, ["failed"] = failed };

    static void Set(JsonObject batch, Action<JsonObject> change)
    {
        lock (batch) change(batch);
    }

    static JsonObject Snapshot(JsonObject batch)
    {
        lock (batch) return (JsonObject)batch.DeepClone();
    }

    static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    static Task Json(HttpContext http, int status, JsonNode body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(body.ToJsonString(), http.RequestAborted);
    }

    static Task Error(HttpContext http, int status, string message, string? param)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(DemoJson.Error(message, "invalid_request_error", param, null), http.RequestAborted);
    }
}
