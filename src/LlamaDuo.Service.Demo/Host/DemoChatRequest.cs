using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Demo.Host;

/// <summary>The parts of an OpenAI chat-completions request the demo service uses, parsed at the HTTP edge.</summary>
sealed record DemoChatRequest(IReadOnlyList<ChatMessage> Messages, int? MaxTokens, bool Stream, bool IncludeUsage)
{
    /// <summary>Parses a request body, or returns the OpenAI-style error message and offending parameter.</summary>
    public static (DemoChatRequest? Request, string? Error, string? Param) Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object) return (null, "the request body must be a JSON object", null);
        if (!body.TryGetProperty("messages", out var messagesJson) || messagesJson.ValueKind != JsonValueKind.Array || messagesJson.GetArrayLength() == 0)
            return (null, "'messages' must be a non-empty array", "messages");
        var messages = new List<ChatMessage>();
        foreach (var m in messagesJson.EnumerateArray())
        {
            if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("role", out var role) || role.ValueKind != JsonValueKind.String)
                return (null, "each message needs a string 'role'", "messages");
            if (!m.TryGetProperty("content", out var content)) return (null, "each message needs 'content'", "messages");
            var text = content.ValueKind switch
            {
                JsonValueKind.String => content.GetString(),
                JsonValueKind.Array => string.Concat(content.EnumerateArray()
                    .Where(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out _))
                    .Select(p => p.GetProperty("text").GetString())),
                JsonValueKind.Null => "",
                _ => null,
            };
            if (text is null) return (null, "message 'content' must be a string or an array of text parts", "messages");
            messages.Add(new ChatMessage(new ChatRole(role.GetString()!), text));
        }
        int? maxTokens = null;
        foreach (var name in new[] { "max_completion_tokens", "max_tokens" })
            if (body.TryGetProperty(name, out var mt) && mt.ValueKind == JsonValueKind.Number)
            {
                if (!mt.TryGetInt32(out var v) || v < 1) return (null, $"'{name}' must be a positive integer", name);
                maxTokens = v;
            }
        var stream = body.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var includeUsage = body.TryGetProperty("stream_options", out var so) && so.ValueKind == JsonValueKind.Object
            && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True;
        return (new DemoChatRequest(messages, maxTokens, stream, includeUsage), null, null);
    }
}
