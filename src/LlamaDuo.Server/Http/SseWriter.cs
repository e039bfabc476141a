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
    readonly SemaphoreSlim writing = new(1, 1); // the choices of one request stream at once; events must not interleave

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
        var text = $"data: {JsonSerializer.Serialize(payload, WireJson.Options)}\n\n";
        await writing.WaitAsync(ct);
        try
        {
            await response.WriteAsync(text, ct);
            await response.Body.FlushAsync(ct);
        }
        finally
        {
            writing.Release();
        }
    }

    public async Task DoneAsync()
    {
        await response.WriteAsync("data: [DONE]\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
