using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace LlamaDuo.Service.Demo.Host;

/// <summary>
/// POST /v1/chat/completions: parse, draw a fault, wait the configured latency, ask the responders, answer in
/// OpenAI's format (or SSE chunks when stream is set). Every request is counted in <see cref="DemoServiceStats"/>.
/// </summary>
sealed class DemoChatEndpoint(DemoServiceOptions options, IReadOnlyList<IDemoResponder> responders, DemoServiceStats stats)
{
    /// <summary>The answer when no responder recognises the prompt.</summary>
    public const string FallbackAnswer = "I am a demo stand-in, not a language model, and I do not recognise this prompt.";

    const string ProseAnswer = "Well, that is a thoughtful question, and there are many ways one might look at it. " +
        "On balance I would say it depends on the circumstances, the people involved and what they hope for.";

    readonly Random _faultDraws = new(options.Seed);
    readonly Lock _drawLock = new();
    long _nextId;

    public async Task Handle(HttpContext http)
    {
        stats.Arrived();
        var aborted = http.RequestAborted;
        DemoChatRequest? request;
        try
        {
            using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: aborted);
            var (parsed, error, param) = DemoChatRequest.Parse(body.RootElement);
            if (parsed is null) { await BadRequest(http, error!, param); return; }
            request = parsed;
        }
        catch (JsonException e)
        {
            await BadRequest(http, $"the request body is not valid JSON: {e.Message}", null);
            return;
        }

        var fault = Draw();
        switch (fault)
        {
            case DemoFault.RateLimited:
                stats.Count("429");
                http.Response.Headers.RetryAfter = options.RetryAfterS.ToString();
                await Send(http, 429, DemoJson.Error("rate limit reached (injected by the demo service)", "rate_limit_error", null, "rate_limit_exceeded"));
                return;
            case DemoFault.ServerError:
                stats.Count("500");
                await Send(http, 500, DemoJson.Error("internal error (injected by the demo service)", "server_error", null, null));
                return;
            case DemoFault.Timeout:
                stats.Count("timeout");
                try { await Task.Delay(options.HangMs, aborted); } catch (OperationCanceledException) { return; }
                break;
        }

        if (options.LatencyMs > 0)
        {
            try { await Task.Delay(options.LatencyMs, aborted); } catch (OperationCanceledException) { return; }
        }

        var answer = fault == DemoFault.Prose ? ProseAnswer : Respond(request.Messages);
        var (content, cut) = DemoTokens.Limit(answer, request.MaxTokens);
        var id = $"chatcmpl-demo-{Interlocked.Increment(ref _nextId)}";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (prompt, completion) = (DemoTokens.Count(request.Messages), DemoTokens.Count(content));
        var json = DemoJson.Completion(id, created, content, cut ? "length" : "stop", prompt, completion);

        switch (fault)
        {
            case DemoFault.Garbage:
                stats.Count("garbage");
                await Send(http, 200, "<html><body>502 upstream hiccup: the gateway lost its way</body></html>");
                return;
            case DemoFault.Truncated:
                stats.Count("truncated");
                await Send(http, 200, json[..(json.Length / 2)]);
                return;
        }
        stats.Count(fault == DemoFault.Prose ? "prose" : "ok");
        if (!request.Stream)
        {
            await Send(http, 200, json);
            return;
        }
        http.Response.ContentType = "text/event-stream";
        await SseEvent(http, DemoJson.Chunk(id, created, "assistant", content, null));
        await SseEvent(http, DemoJson.Chunk(id, created, null, null, cut ? "length" : "stop"));
        if (request.IncludeUsage) await SseEvent(http, DemoJson.UsageChunk(id, created, prompt, completion));
        await SseEvent(http, "[DONE]");
    }

    string Respond(IReadOnlyList<Microsoft.Extensions.AI.ChatMessage> messages)
    {
        foreach (var responder in responders)
            if (responder.TryRespond(messages) is { } answer) return answer;
        return FallbackAnswer;
    }

    DemoFault Draw()
    {
        lock (_drawLock) return options.Faults.Pick(_faultDraws.NextDouble());
    }

    Task BadRequest(HttpContext http, string message, string? param)
    {
        stats.Count("bad_request");
        return Send(http, 400, DemoJson.Error(message, "invalid_request_error", param, null));
    }

    static async Task Send(HttpContext http, int status, string body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body, http.RequestAborted);
    }

    static async Task SseEvent(HttpContext http, string data)
    {
        await http.Response.WriteAsync($"data: {data}\n\n", http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }
}
