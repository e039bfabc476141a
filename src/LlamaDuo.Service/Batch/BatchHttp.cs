using System.Text.Json;

namespace LlamaDuo.Service.Batch;

/// <summary>
/// The HTTP edge of the batch APIs: sends one request, turns a non-2xx answer into a <see cref="BatchApiException"/>
/// carrying the provider's own error message (OpenAI <c>{error:{message}}</c>, Anthropic
/// <c>{type:"error", error:{message}}</c>), and a dropped connection into one without status.
/// </summary>
static class BatchHttp
{
    public static async Task<string> SendAsync(HttpClient http, HttpRequestMessage request, string what, CancellationToken ct)
    {
        HttpResponseMessage response;
        try { response = await http.SendAsync(request, ct).ConfigureAwait(false); }
        catch (HttpRequestException e) { throw new BatchApiException($"{what}: {e.Message}", null, e); }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (response.IsSuccessStatusCode) return body;
            var status = (int)response.StatusCode;
            throw new BatchApiException($"{what}: HTTP {status}: {ErrorMessage(body)}", status);
        }
    }

    /// <summary>The message inside an OpenAI- or Anthropic-shaped error body, else the body itself (cut short).</summary>
    public static string ErrorMessage(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("error", out var error))
                return error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : error.ToString();
        }
        catch (JsonException) { }
        return body.Length > 300 ? body[..300] : body;
    }

    /// <summary>Each non-blank line of a JSONL body, parsed; a line that is not JSON is an error naming it.</summary>
    public static IEnumerable<JsonElement> JsonLines(string body, string what)
    {
        var number = 0;
        foreach (var line in body.Split('\n'))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement element;
            try { element = JsonDocument.Parse(line).RootElement; }
            catch (JsonException e) { throw new BatchApiException($"{what}: line {number} is not JSON: {e.Message}", null, e); }
            yield return element;
        }
    }

    public static string? String(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
}
