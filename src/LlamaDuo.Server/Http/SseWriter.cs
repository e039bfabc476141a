using System.Text.Json;
using LlamaDuo.Server.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LlamaDuo.Server.Http;

/// <summary>Server-sent events as OpenAI streams them: <c>data: {json}\n\n</c> per event, flushed, then <c>data: [DONE]</c>.</summary>
internal sealed class SseWriter
{
    readonly HttpResponse response;
    readonly CancellationToken ct;

    public SseWriter(HttpContext http)
    {
        response = http.Response;
        ct = http.RequestAborted;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    public async Task WriteAsync<T>(T payload)
    {
        await response.WriteAsync($"data: {JsonSerializer.Serialize(payload, WireJson.Options)}\n\n", ct);
        await response.Body.FlushAsync(ct);
    }

    public async Task DoneAsync()
    {
        await response.WriteAsync("data: [DONE]\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
