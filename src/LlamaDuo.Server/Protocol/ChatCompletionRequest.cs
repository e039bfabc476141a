using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaDuo.Server.Protocol;

// The request bodies as typed records: JSON stops here. Names map to OpenAI's snake_case through the serializer's
// naming policy. Every other top-level field lands in Extra, and RequestFields decides: ignored (user, metadata),
// accepted at its no-op value (logprobs: false), or refused with a 400 naming it (tools, unknown names).

/// <summary>Body of POST /v1/chat/completions.</summary>
internal sealed record ChatCompletionRequest(
    string? Model,
    List<RequestMessage>? Messages,
    int? MaxTokens,
    int? MaxCompletionTokens,
    float? Temperature,
    float? TopP,
    [property: JsonConverter(typeof(StringOrArrayConverter))] List<string>? Stop,
    long? Seed,
    int? N,
    bool? Stream,
    StreamOptions? StreamOptions)
{
    /// <summary>Top-level fields not mapped above, for <c>RequestFields</c> to accept or refuse.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>One chat message; content may be a string or an array of text parts on the wire.</summary>
internal sealed record RequestMessage(
    string? Role,
    [property: JsonConverter(typeof(MessageContentConverter))] string? Content);

/// <summary><c>stream_options</c>: only include_usage is honoured.</summary>
internal sealed record StreamOptions(bool? IncludeUsage);

/// <summary>Body of POST /v1/completions (the raw-text endpoint).</summary>
internal sealed record CompletionRequest(
    string? Model,
    [property: JsonConverter(typeof(StringOrArrayConverter))] List<string>? Prompt,
    int? MaxTokens,
    float? Temperature,
    float? TopP,
    [property: JsonConverter(typeof(StringOrArrayConverter))] List<string>? Stop,
    long? Seed,
    int? N,
    bool? Stream,
    StreamOptions? StreamOptions)
{
    /// <summary>Top-level fields not mapped above, for <c>RequestFields</c> to accept or refuse.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }
}
