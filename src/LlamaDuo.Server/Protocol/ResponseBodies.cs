using System.Text.Json.Serialization;

namespace LlamaDuo.Server.Protocol;

// Response bodies in OpenAI's shapes. Null members are left out of the JSON (see WireJson), except where OpenAI
// always writes the member (error param and code).

/// <summary>Token counts of one request.</summary>
internal sealed record Usage(int PromptTokens, int CompletionTokens, int TotalTokens)
{
    public static Usage Of(int prompt, int completion) => new(prompt, completion, prompt + completion);
}

/// <summary>The assistant message of a chat choice, or the delta of a streamed chunk.</summary>
internal sealed record ResponseMessage(string? Role, string? Content);

/// <summary>One choice of a chat completion.</summary>
internal sealed record ChatChoice(int Index, ResponseMessage Message, string FinishReason);

/// <summary>Body answering a plain POST /v1/chat/completions.</summary>
internal sealed record ChatCompletion(string Id, string Object, long Created, string Model, List<ChatChoice> Choices, Usage Usage);

/// <summary>One choice inside a streamed chunk.</summary>
internal sealed record ChunkChoice(int Index, ResponseMessage Delta, string? FinishReason);

/// <summary>One SSE event of a streamed chat completion.</summary>
internal sealed record ChatCompletionChunk(string Id, string Object, long Created, string Model, List<ChunkChoice> Choices, Usage? Usage);

/// <summary>One choice of a raw text completion (plain or streamed).</summary>
internal sealed record TextChoice(int Index, string Text, string? FinishReason);

/// <summary>Body (or streamed event) of POST /v1/completions.</summary>
internal sealed record TextCompletion(string Id, string Object, long Created, string Model, List<TextChoice> Choices, Usage? Usage);

/// <summary>One entry of GET /v1/models.</summary>
internal sealed record ModelEntry(string Id, string Object, long Created, string OwnedBy);

/// <summary>Body of GET /v1/models.</summary>
internal sealed record ModelList(string Object, List<ModelEntry> Data);

/// <summary>OpenAI's error object.</summary>
internal sealed record ErrorDetail(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);

/// <summary>Body of every error answer: <c>{"error":{...}}</c>.</summary>
internal sealed record ErrorBody(ErrorDetail Error);
