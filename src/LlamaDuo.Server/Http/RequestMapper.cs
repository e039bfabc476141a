using LlamaDuo.Server.Protocol;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Server.Http;

/// <summary>
/// Checks a parsed request against what the server accepts and maps it to <see cref="ChatMessage"/>s and
/// <see cref="ChatOptions"/>. Every refusal is a 400 naming the offending parameter, or 404 for an unknown model.
/// The checks cost at most one pass over the text (fields, choices against the slots, message count, prompt
/// characters); counting tokens waits for <see cref="CountTokens"/>, which the endpoints call once the request holds
/// its slots, so no prompt is tokenized outside the concurrency bound.
/// </summary>
internal sealed class RequestMapper(ServedModel model, ServerOptions options)
{
    /// <summary>Largest request body accepted (<see cref="ServerOptions.MaxRequestBodyBytes"/>).</summary>
    public long MaxRequestBodyBytes => options.MaxRequestBodyBytes;

    /// <summary>Most choices one request may ask for: its choices run at once, one slot each.</summary>
    int ChoiceLimit => Math.Min(options.MaxChoices, options.Parallel);

    public GenerationPlan FromChat(ChatCompletionRequest request)
    {
        CheckModel(request.Model);
        RequestFields.Check(request.Extra);
        if (request.Messages is null) throw ApiException.BadRequest("Missing required parameter: 'messages'.", "messages");
        if (request.Messages.Count == 0) throw ApiException.BadRequest("'messages' must hold at least one message.", "messages");
        if (request.Messages.Count > options.MaxMessages)
            throw ApiException.BadRequest($"'messages' holds {request.Messages.Count} messages; this server takes at most {options.MaxMessages}.",
                "messages", "invalid_value");
        var messages = request.Messages.Select((m, i) => ToChatMessage(m, i)).ToList();
        CheckCharacters(messages.Sum(m => (long)m.Text.Length), "messages");
        var maxTokens = request.MaxCompletionTokens ?? request.MaxTokens;
        var chatOptions = Options(maxTokens, request.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens",
            request.Temperature, request.TopP, request.Stop, request.Seed);
        var choices = Choices(request.N, prompts: 1);
        return new GenerationPlan(model.Chat, messages, chatOptions, choices, request.Stream ?? false,
            request.StreamOptions?.IncludeUsage ?? false, "messages");
    }

    /// <summary>One plan per prompt (a prompt array yields choices prompt-major, as OpenAI orders them).</summary>
    public IReadOnlyList<GenerationPlan> FromCompletion(CompletionRequest request)
    {
        CheckModel(request.Model);
        RequestFields.Check(request.Extra);
        if (request.Prompt is null) throw ApiException.BadRequest("Missing required parameter: 'prompt'.", "prompt");
        if (request.Prompt.Count == 0) throw ApiException.BadRequest("'prompt' must hold at least one string.", "prompt");
        var chatOptions = Options(request.MaxTokens, "max_tokens", request.Temperature, request.TopP, request.Stop, request.Seed);
        var choices = Choices(request.N, request.Prompt.Count);
        foreach (var prompt in request.Prompt) CheckCharacters(prompt.Length, "prompt");
        return request.Prompt.Select(prompt => new GenerationPlan(model.Completion ?? model.Chat, [new ChatMessage(ChatRole.User, prompt)],
            chatOptions, choices, request.Stream ?? false, request.StreamOptions?.IncludeUsage ?? false, "prompt")).ToList();
    }

    /// <summary>
    /// Counts the plan's prompt tokens and refuses a prompt that does not fit the context. Call it holding the slots:
    /// it is the expensive check. A client that has hung up is not tokenized for.
    /// </summary>
    public GenerationPlan CountTokens(GenerationPlan plan, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var tokens = plan.PromptParam == "messages"
            ? model.CountChatTokens?.Invoke(plan.Messages) ?? 0
            : model.CountTextTokens?.Invoke(plan.Messages[0].Text) ?? 0;
        CheckContext(tokens, plan.PromptParam);
        return plan with { PromptTokens = tokens };
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

    /// <summary>Choices per prompt; all choices of a request (prompts x n) run at once, one generation slot each.</summary>
    int Choices(int? n, int prompts)
    {
        var choices = n ?? 1;
        var limit = ChoiceLimit;
        if (choices < 1 || choices > limit)
            throw ApiException.BadRequest($"'n' must be between 1 and {limit}; got {choices}. " + WhyLimit(), "n", "invalid_value");
        if ((long)choices * prompts > limit)
            throw ApiException.BadRequest($"This request asks for {prompts} prompts x n={choices} = {(long)choices * prompts} choices; " +
                $"at most {limit} are allowed. " + WhyLimit(), choices > 1 ? "n" : "prompt", "invalid_value");
        return choices;
    }

    string WhyLimit() => $"A request's choices run at once, one generation slot each, and this server has {options.Parallel} " +
                         $"(serve --parallel){(options.MaxChoices < options.Parallel ? $", with at most {options.MaxChoices} per request" : "")}.";

    /// <summary>
    /// The cheap bound: no token covers more than <see cref="ServedModel.MaxPromptChars"/> / context characters, so a
    /// longer prompt cannot fit whatever it tokenizes to, and is refused without tokenizing it.
    /// </summary>
    void CheckCharacters(long characters, string param)
    {
        if (model.MaxPromptChars > 0 && characters > model.MaxPromptChars)
            throw ApiException.BadRequest(
                $"This model's maximum context length is {model.ContextLength} tokens, but the prompt has {characters} characters, " +
                $"more than that many tokens can hold ({model.MaxPromptChars}). Shorten the prompt.", param, "context_length_exceeded");
    }

    void CheckContext(int promptTokens, string param)
    {
        if (model.ContextLength > 0 && promptTokens >= model.ContextLength)
            throw ApiException.BadRequest(
                $"This model's maximum context length is {model.ContextLength} tokens, but the prompt takes {promptTokens} tokens. Shorten the prompt.",
                param, "context_length_exceeded");
    }
}
