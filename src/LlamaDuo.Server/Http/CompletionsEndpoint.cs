using LlamaDuo.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace LlamaDuo.Server.Http;

/// <summary>
/// POST /v1/completions: raw continuation of one or more prompts, n choices each, all at once (one slot per choice),
/// plain or as SSE. Choices are numbered prompt-major, as OpenAI numbers them.
/// </summary>
internal sealed class CompletionsEndpoint(ServedModel model, RequestMapper mapper, GenerationGate gate, ChoiceRunner runner)
{
    public async Task HandleAsync(HttpContext http)
    {
        var request = await RequestBody.ReadAsync<CompletionRequest>(http, mapper.MaxRequestBodyBytes);
        var plans = mapper.FromCompletion(request);
        var perPrompt = plans[0].Choices;
        using var slots = await gate.EnterAsync(plans.Count * perPrompt, http.RequestAborted);
        plans = plans.Select(plan => mapper.CountTokens(plan, http.RequestAborted)).ToList();
        var id = "cmpl-" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var sse = plans[0].Stream ? new SseWriter(http) : null;

        var results = await ChoiceRunner.AllAsync(plans.Count * perPrompt, async (index, ct) =>
        {
            var plan = plans[index / perPrompt];
            if (sse is null) return await runner.RunAsync(plan, index % perPrompt, ct);
            var result = await runner.StreamAsync(plan, index % perPrompt,
                delta => sse.WriteAsync(Event(id, created, new TextChoice(index, delta, null), null)), ct);
            await sse.WriteAsync(Event(id, created, new TextChoice(index, "", result.FinishReason), null));
            return result;
        }, http.RequestAborted);

        // Each prompt counts once, as the engine reported it for that prompt's last choice.
        var promptTokens = Enumerable.Range(0, plans.Count).Sum(p => results[p * perPrompt + perPrompt - 1].PromptTokens);
        var usage = Usage.Of(promptTokens, results.Sum(r => r.CompletionTokens));
        if (sse is null)
        {
            var choices = results.Select((r, i) => new TextChoice(i, r.Text, r.FinishReason)).ToList();
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
