using LlamaDuo.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace LlamaDuo.Server.Http;

/// <summary>POST /v1/completions: raw continuation of one or more prompts, n choices each, plain or as SSE.</summary>
internal sealed class CompletionsEndpoint(ServedModel model, RequestMapper mapper, GenerationGate gate, ChoiceRunner runner)
{
    public async Task HandleAsync(HttpContext http)
    {
        var request = await RequestBody.ReadAsync<CompletionRequest>(http);
        var plans = mapper.FromCompletion(request);
        using var slot = await gate.EnterAsync(http.RequestAborted);
        var id = "cmpl-" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var stream = plans[0].Stream;
        var sse = stream ? new SseWriter(http) : null;

        var choices = new List<TextChoice>();
        int promptTokens = 0, completionTokens = 0, index = 0;
        foreach (var plan in plans)
        {
            var planPromptTokens = plan.PromptTokens;
            for (var i = 0; i < plan.Choices; i++, index++)
            {
                var choiceIndex = index;
                var result = sse is null
                    ? await runner.RunAsync(plan, i, http.RequestAborted)
                    : await runner.StreamAsync(plan, i, delta => sse.WriteAsync(Event(id, created, new TextChoice(choiceIndex, delta, null), null)),
                        http.RequestAborted);
                if (sse is not null) await sse.WriteAsync(Event(id, created, new TextChoice(choiceIndex, "", result.FinishReason), null));
                choices.Add(new TextChoice(choiceIndex, result.Text, result.FinishReason));
                planPromptTokens = result.PromptTokens;
                completionTokens += result.CompletionTokens;
            }
            promptTokens += planPromptTokens;
        }

        var usage = Usage.Of(promptTokens, completionTokens);
        if (sse is null)
        {
            await http.Response.WriteAsJsonAsync(Event(id, created, choices, usage), WireJson.Options, http.RequestAborted);
            return;
        }
        if (plans[0].IncludeUsage) await sse.WriteAsync(Event(id, created, [], usage));
        await sse.DoneAsync();
    }

    TextCompletion Event(string id, long created, TextChoice choice, Usage? usage) => Event(id, created, [choice], usage);

    TextCompletion Event(string id, long created, List<TextChoice> choices, Usage? usage) =>
        new(id, "text_completion", created, model.Id, choices, usage);
}
