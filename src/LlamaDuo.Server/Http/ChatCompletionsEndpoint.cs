using LlamaDuo.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace LlamaDuo.Server.Http;

/// <summary>
/// POST /v1/chat/completions: parse and check cheaply, wait for one slot per choice, count the prompt's tokens, then
/// generate the n choices at once and answer plain or as SSE. A client that hangs up cancels every step after parsing.
/// </summary>
internal sealed class ChatCompletionsEndpoint(ServedModel model, RequestMapper mapper, GenerationGate gate, ChoiceRunner runner)
{
    public async Task HandleAsync(HttpContext http)
    {
        var request = await RequestBody.ReadAsync<ChatCompletionRequest>(http, mapper.MaxRequestBodyBytes);
        var plan = mapper.FromChat(request);
        using var slots = await gate.EnterAsync(plan.Choices, http.RequestAborted);
        plan = mapper.CountTokens(plan, http.RequestAborted);
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (plan.Stream) await StreamAsync(http, plan, id, created);
        else await AnswerAsync(http, plan, id, created);
    }

    async Task AnswerAsync(HttpContext http, GenerationPlan plan, string id, long created)
    {
        var results = await ChoiceRunner.AllAsync(plan.Choices, (i, ct) => runner.RunAsync(plan, i, ct), http.RequestAborted);
        var choices = results.Select((r, i) => new ChatChoice(i, new ResponseMessage("assistant", r.Text), r.FinishReason)).ToList();
        var body = new ChatCompletion(id, "chat.completion", created, model.Id, choices, Usage.Of(results[^1].PromptTokens, results.Sum(r => r.CompletionTokens)));
        await http.Response.WriteAsJsonAsync(body, WireJson.Options, http.RequestAborted);
    }

    async Task StreamAsync(HttpContext http, GenerationPlan plan, string id, long created)
    {
        var sse = new SseWriter(http);
        ChatCompletionChunk Chunk(int index, ResponseMessage delta, string? finish) =>
            new(id, "chat.completion.chunk", created, model.Id, [new ChunkChoice(index, delta, finish)], null);

        var results = await ChoiceRunner.AllAsync(plan.Choices, async (index, ct) =>
        {
            await sse.WriteAsync(Chunk(index, new ResponseMessage("assistant", ""), null));
            var result = await runner.StreamAsync(plan, index, delta => sse.WriteAsync(Chunk(index, new ResponseMessage(null, delta), null)), ct);
            await sse.WriteAsync(Chunk(index, new ResponseMessage(null, null), result.FinishReason));
            return result;
        }, http.RequestAborted);
        if (plan.IncludeUsage)
            await sse.WriteAsync(new ChatCompletionChunk(id, "chat.completion.chunk", created, model.Id, [],
                Usage.Of(results[^1].PromptTokens, results.Sum(r => r.CompletionTokens))));
        await sse.DoneAsync();
    }
}
