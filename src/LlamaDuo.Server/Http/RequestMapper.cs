using LlamaDuo.Server.Protocol;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Server.Http;

/// <summary>
/// Checks a parsed request against what the server accepts and maps it to <see cref="ChatMessage"/>s and
/// <see cref="ChatOptions"/>. Every refusal is a 400 naming the offending parameter, or 404 for an unknown model.
/// </summary>
internal sealed class RequestMapper(ServedModel model, ServerOptions options)
{
    public GenerationPlan FromChat(ChatCompletionRequest request)
    {
        CheckModel(request.Model);
        if (request.Messages is null) throw ApiException.BadRequest("Missing required parameter: 'messages'.", "messages");
        if (request.Messages.Count == 0) throw ApiException.BadRequest("'messages' must hold at least one message.", "messages");
        var messages = request.Messages.Select((m, i) => ToChatMessage(m, i)).ToList();
        var maxTokens = request.MaxCompletionTokens ?? request.MaxTokens;
        var chatOptions = Options(maxTokens, request.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens",
            request.Temperature, request.TopP, request.Stop, request.Seed);
        var promptTokens = model.CountChatTokens?.Invoke(messages) ?? 0;
        CheckContext(promptTokens, "messages");
        return new GenerationPlan(model.Chat, messages, chatOptions, Choices(request.N), request.Stream ?? false,
            request.StreamOptions?.IncludeUsage ?? false, promptTokens);
    }

    /// <summary>One plan per prompt (a prompt array yields choices prompt-major, as OpenAI orders them).</summary>
    public IReadOnlyList<GenerationPlan> FromCompletion(CompletionRequest request)
    {
        CheckModel(request.Model);
        if (request.Prompt is null) throw ApiException.BadRequest("Missing required parameter: 'prompt'.", "prompt");
        if (request.Prompt.Count == 0) throw ApiException.BadRequest("'prompt' must hold at least one string.", "prompt");
        var chatOptions = Options(request.MaxTokens, "max_tokens", request.Temperature, request.TopP, request.Stop, request.Seed);
        var choices = Choices(request.N);
        return request.Prompt.Select(prompt =>
        {
            var promptTokens = model.CountTextTokens?.Invoke(prompt) ?? 0;
            CheckContext(promptTokens, "prompt");
            return new GenerationPlan(model.Completion ?? model.Chat, [new ChatMessage(ChatRole.User, prompt)], chatOptions,
                choices, request.Stream ?? false, request.StreamOptions?.IncludeUsage ?? false, promptTokens);
        }).ToList();
    }

    void CheckModel(string? requested)
    {
        // A missing model means "whatever is served", as llama.cpp's server allows; a wrong one is OpenAI's 404.
        if (requested is not null && !string.Equals(requested, model.Id, StringComparison.Ordinal))
            throw ApiException.ModelNotFound(requested);
    }

    static ChatMessage ToChatMessage(RequestMessage message, int index)
    {
        var role = message.Role switch
        {
            "system" or "developer" => ChatRole.System,
            "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            null => throw ApiException.BadRequest($"Missing required parameter: 'messages[{index}].role'.", $"messages[{index}].role"),
            var other => throw ApiException.BadRequest(
                $"Invalid value '{other}' for 'messages[{index}].role': expected system, developer, user or assistant.",
                $"messages[{index}].role", "invalid_value"),
        };
        if (message.Content is null && role != ChatRole.Assistant)
            throw ApiException.BadRequest($"Missing required parameter: 'messages[{index}].content'.", $"messages[{index}].content");
        return new ChatMessage(role, message.Content ?? "");
    }

    ChatOptions Options(int? maxTokens, string maxTokensName, float? temperature, float? topP, List<string>? stop, long? seed)
    {
        if (maxTokens is < 1) throw ApiException.BadRequest($"'{maxTokensName}' must be at least 1.", maxTokensName, "invalid_value");
        if (temperature is < 0 or > 2) throw ApiException.BadRequest("'temperature' must be between 0 and 2.", "temperature", "invalid_value");
        if (topP is <= 0 or > 1) throw ApiException.BadRequest("'top_p' must be greater than 0 and at most 1.", "top_p", "invalid_value");
        if (stop is { Count: > 4 }) throw ApiException.BadRequest("'stop' takes at most 4 sequences.", "stop", "invalid_value");
        if (stop?.Any(string.IsNullOrEmpty) == true) throw ApiException.BadRequest("'stop' sequences must not be empty.", "stop", "invalid_value");
        return new ChatOptions
        {
            ModelId = model.Id,
            MaxOutputTokens = maxTokens,
            Temperature = temperature,
            TopP = topP,
            StopSequences = stop,
            Seed = seed,
        };
    }

    int Choices(int? n)
    {
        var choices = n ?? 1;
        if (choices < 1 || choices > options.MaxChoices)
            throw ApiException.BadRequest($"'n' must be between 1 and {options.MaxChoices}; got {choices}.", "n", "invalid_value");
        return choices;
    }

    void CheckContext(int promptTokens, string param)
    {
        if (model.ContextLength > 0 && promptTokens >= model.ContextLength)
            throw ApiException.BadRequest(
                $"This model's maximum context length is {model.ContextLength} tokens, but the prompt takes {promptTokens} tokens. Shorten the prompt.",
                param, "context_length_exceeded");
    }
}
