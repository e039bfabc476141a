using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlamaDuo.Service.Batch;

/// <summary>
/// Anthropic's Message Batches API as its reference documents it: <c>POST /v1/messages/batches</c> with
/// <c>{requests: [{custom_id, params}]}</c> (params as for <c>POST /v1/messages</c>), poll
/// <c>GET /v1/messages/batches/{id}</c> until <c>processing_status</c> is <c>ended</c>, then read the JSONL at its
/// <c>results_url</c>. Headers: <c>x-api-key</c> and <c>anthropic-version: 2023-06-01</c>.
/// </summary>
internal sealed class AnthropicBatchApi(HttpClient http, string baseUrl, string? apiKey) : IBatchApi
{
    /// <summary>The API version header value.</summary>
    public const string Version = "2023-06-01";

    readonly string _root = baseUrl.TrimEnd('/');

    /// <inheritdoc/>
    public string Provider => "anthropic";

    /// <inheritdoc/>
    public async Task<string> SubmitAsync(IReadOnlyList<BatchRequest> requests, string model, string stage, CancellationToken ct)
    {
        var list = new JsonArray();
        foreach (var r in requests) list.Add(new JsonObject { ["custom_id"] = r.CustomId, ["params"] = AnthropicBatchJson.Params(r, model) });
        var body = new JsonObject { ["requests"] = list }.ToJsonString();
        var created = await SendAsync(HttpMethod.Post, _root + "/v1/messages/batches", new StringContent(body, Encoding.UTF8, "application/json"),
            "create message batch", ct).ConfigureAwait(false);
        return BatchHttp.String(Parse(created), "id") ?? throw new BatchApiException("create message batch: no id in the answer", null);
    }

    /// <inheritdoc/>
    public async Task<BatchState> PollAsync(string batchId, CancellationToken ct)
    {
        var batch = await GetBatch(batchId, ct).ConfigureAwait(false);
        var status = BatchHttp.String(batch, "processing_status") ?? "unknown";
        var counts = batch.TryGetProperty("request_counts", out var c) ? c : default;
        int succeeded = BatchHttp.Int(counts, "succeeded"), processing = BatchHttp.Int(counts, "processing");
        int failed = BatchHttp.Int(counts, "errored") + BatchHttp.Int(counts, "canceled") + BatchHttp.Int(counts, "expired");
        return new BatchState(batchId, status, status == "ended", succeeded + failed + processing, succeeded, failed);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, BatchResult>> ResultsAsync(string batchId, CancellationToken ct)
    {
        var batch = await GetBatch(batchId, ct).ConfigureAwait(false);
        var url = BatchHttp.String(batch, "results_url")
            ?? throw new BatchApiException($"message batch {batchId} has no results_url yet (processing_status {BatchHttp.String(batch, "processing_status")})", null);
        if (!Uri.IsWellFormedUriString(url, UriKind.Absolute)) url = _root + "/" + url.TrimStart('/');
        var body = await SendAsync(HttpMethod.Get, url, null, $"download results of {batchId}", ct).ConfigureAwait(false);
        var results = new Dictionary<string, BatchResult>();
        foreach (var line in BatchHttp.JsonLines(body, $"results of {batchId}"))
            if (AnthropicBatchJson.ParseResultLine(line, batchId) is { } result) results[result.CustomId] = result;
        return results;
    }

    async Task<JsonElement> GetBatch(string batchId, CancellationToken ct) =>
        Parse(await SendAsync(HttpMethod.Get, $"{_root}/v1/messages/batches/{batchId}", null, $"poll message batch {batchId}", ct).ConfigureAwait(false));

    async Task<string> SendAsync(HttpMethod method, string url, HttpContent? content, string what, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (apiKey is not null) request.Headers.TryAddWithoutValidation("x-api-key", apiKey);
        request.Headers.TryAddWithoutValidation("anthropic-version", Version);
        return await BatchHttp.SendAsync(http, request, what, ct).ConfigureAwait(false);
    }

    static JsonElement Parse(string body)
    {
        try { return JsonDocument.Parse(body).RootElement; }
        catch (JsonException e) { throw new BatchApiException($"the batch API answered with something that is not JSON: {e.Message}", null, e); }
    }
}
