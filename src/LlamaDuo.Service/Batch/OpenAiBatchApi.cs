using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace LlamaDuo.Service.Batch;

/// <summary>
/// OpenAI's Batch API as its reference documents it: upload the requests as a JSONL file (<c>POST /files</c>,
/// multipart, <c>purpose=batch</c>), create the batch (<c>POST /batches</c> with <c>input_file_id</c>,
/// <c>endpoint=/v1/chat/completions</c>, <c>completion_window=24h</c>), poll <c>GET /batches/{id}</c>, then download
/// <c>output_file_id</c> and <c>error_file_id</c> (<c>GET /files/{id}/content</c>). Also used for the demo service and
/// OpenAI-compatible servers that implement the same endpoints.
/// </summary>
internal sealed class OpenAiBatchApi(HttpClient http, string baseUrl, string? apiKey, string provider = "openai") : IBatchApi
{
    /// <summary>The chat endpoint every request line names.</summary>
    public const string Endpoint = "/v1/chat/completions";

    static readonly HashSet<string> EndedStatuses = ["completed", "failed", "expired", "cancelled"];
    readonly string _root = baseUrl.TrimEnd('/');

    /// <inheritdoc/>
    public string Provider { get; } = provider;

    /// <inheritdoc/>
    public async Task<string> SubmitAsync(IReadOnlyList<BatchRequest> requests, string model, string stage, CancellationToken ct)
    {
        var jsonl = new StringBuilder();
        foreach (var r in requests) jsonl.Append(OpenAiBatchJson.RequestLine(r, model)).Append('\n');
        using var form = new MultipartFormDataContent
        {
            { new StringContent("batch"), "purpose" },
        };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(jsonl.ToString()));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
        form.Add(file, "file", $"llamaduo-{stage}.jsonl");
        var uploaded = await SendAsync(HttpMethod.Post, "/files", form, "upload batch input file", ct).ConfigureAwait(false);
        var fileId = BatchHttp.String(Parse(uploaded), "id") ?? throw new BatchApiException("upload batch input file: no id in the answer", null);

        // A create whose answer is lost may still have made the batch (and it will be billed): every attempt carries
        // this submission's key in its metadata, and before trying again the recent batches are searched for it.
        var submission = Guid.NewGuid().ToString("N");
        var create = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["input_file_id"] = fileId,
            ["endpoint"] = Endpoint,
            ["completion_window"] = "24h",
            ["metadata"] = new Dictionary<string, string> { ["llamaduo_stage"] = stage, ["model"] = model, [SubmissionKey] = submission },
        });
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                var created = await SendAsync(HttpMethod.Post, "/batches", new StringContent(create, Encoding.UTF8, "application/json"), "create batch", ct).ConfigureAwait(false);
                return BatchHttp.String(Parse(created), "id") ?? throw new BatchApiException("create batch: no id in the answer", null);
            }
            catch (BatchApiException e) when (e.Transient)
            {
                if (await FindSubmissionAsync(submission, ct).ConfigureAwait(false) is { } made) return made;
                if (attempt >= CreateAttempts) throw;
                await Task.Delay(TimeSpan.FromSeconds(attempt), ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The metadata key that names one submission across its create attempts.</summary>
    public const string SubmissionKey = "llamaduo_submission";

    const int CreateAttempts = 4;

    /// <summary>The id of the batch (among the 100 newest) whose metadata carries <paramref name="submission"/>, or null.</summary>
    async Task<string?> FindSubmissionAsync(string submission, CancellationToken ct)
    {
        string body;
        try { body = await SendAsync(HttpMethod.Get, "/batches?limit=100", null, "list batches", ct).ConfigureAwait(false); }
        catch (BatchApiException) { return null; } // cannot tell; the caller's next attempt (or error) decides
        var list = Parse(body);
        if (!list.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array) return null;
        foreach (var batch in data.EnumerateArray())
            if (batch.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                && BatchHttp.String(metadata, SubmissionKey) == submission)
                return BatchHttp.String(batch, "id");
        return null;
    }

    /// <inheritdoc/>
    public async Task<BatchState> PollAsync(string batchId, CancellationToken ct)
    {
        var batch = Parse(await SendAsync(HttpMethod.Get, $"/batches/{batchId}", null, $"poll batch {batchId}", ct).ConfigureAwait(false));
        var status = BatchHttp.String(batch, "status") ?? "unknown";
        var counts = batch.TryGetProperty("request_counts", out var c) ? c : default;
        string? failure = null;
        if (status == "failed" && batch.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            && errors.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
            failure = string.Join("; ", data.EnumerateArray().Select(e => $"{BatchHttp.String(e, "code")}: {BatchHttp.String(e, "message")}"));
        if (status == "failed") failure ??= "the batch failed";
        return new BatchState(batchId, status, EndedStatuses.Contains(status),
            BatchHttp.Int(counts, "total"), BatchHttp.Int(counts, "completed"), BatchHttp.Int(counts, "failed"), failure);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, BatchResult>> ResultsAsync(string batchId, CancellationToken ct)
    {
        var batch = Parse(await SendAsync(HttpMethod.Get, $"/batches/{batchId}", null, $"read batch {batchId}", ct).ConfigureAwait(false));
        var results = new Dictionary<string, BatchResult>();
        // Output first, then errors: a request is in exactly one of them.
        foreach (var fileField in new[] { "output_file_id", "error_file_id" })
        {
            if (BatchHttp.String(batch, fileField) is not { } fileId) continue;
            var body = await SendAsync(HttpMethod.Get, $"/files/{fileId}/content", null, $"download {fileField} {fileId}", ct).ConfigureAwait(false);
            foreach (var line in BatchHttp.JsonLines(body, $"batch {batchId} {fileField}"))
                if (OpenAiBatchJson.ParseResultLine(line, batchId) is { } result) results[result.CustomId] = result;
        }
        return results;
    }

    async Task<string> SendAsync(HttpMethod method, string path, HttpContent? content, string what, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, _root + path) { Content = content };
        if (apiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return await BatchHttp.SendAsync(http, request, what, ct).ConfigureAwait(false);
    }

    static JsonElement Parse(string body)
    {
        try { return JsonDocument.Parse(body).RootElement; }
        catch (JsonException e) { throw new BatchApiException($"the batch API answered with something that is not JSON: {e.Message}", null, e); }
    }
}
