using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Server.Load;

/// <summary>The two ways the serve benchmark sends one streaming request: over HTTP to a server, or straight to an engine.</summary>
public static class StreamingRequests
{
    /// <summary>
    /// POSTs a streamed chat completion and reads the SSE events; tokens are the server's reported completion_tokens
    /// (stream_options.include_usage), time to first token is until the first non-empty content delta.
    /// </summary>
    public static async Task<RequestStats> OverHttpAsync(HttpClient http, string model, LoadOptions options, long seed, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["model"] = model,
            ["stream"] = true,
            ["stream_options"] = new Dictionary<string, bool> { ["include_usage"] = true },
            ["max_tokens"] = options.MaxTokens,
            ["temperature"] = options.Temperature,
            ["seed"] = seed,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = options.Prompt } },
        });
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        TimeSpan? first = null;
        int? usageTokens = null;
        var done = false;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal)) continue;
            var data = line.AsSpan(6);
            if (data.SequenceEqual("[DONE]")) { done = true; break; }
            using var json = JsonDocument.Parse(data.ToString());
            var root = json.RootElement;
            if (root.TryGetProperty("error", out var error)) throw new HttpRequestException($"stream error: {error}");
            if (root.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
                usageTokens = usage.GetProperty("completion_tokens").GetInt32();
            if (first is null && root.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0
                && choices[0].GetProperty("delta").TryGetProperty("content", out var content) && content.GetString() is { Length: > 0 })
                first = clock.Elapsed;
        }
        if (!done) throw new HttpRequestException("the stream ended without data: [DONE]");
        return new RequestStats(usageTokens ?? throw new HttpRequestException("the stream carried no usage"), first ?? clock.Elapsed);
    }

    /// <summary>Streams straight from an <see cref="IChatClient"/>; tokens from its usage content, else one per update.</summary>
    public static async Task<RequestStats> OverChatClientAsync(IChatClient client, LoadOptions options, long seed, CancellationToken ct)
    {
        var chatOptions = new ChatOptions { MaxOutputTokens = options.MaxTokens, Temperature = options.Temperature, Seed = seed };
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null;
        int updates = 0;
        long? usageTokens = null;
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, options.Prompt)], chatOptions, ct))
        {
            foreach (var usage in update.Contents.OfType<UsageContent>()) usageTokens = usage.Details.OutputTokenCount;
            if (update.Text.Length == 0) continue;
            first ??= clock.Elapsed;
            updates++;
        }
        return new RequestStats((int)(usageTokens ?? updates), first ?? clock.Elapsed);
    }
}
