using LlamaDuo.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace LlamaDuo.Server.Http;

/// <summary>POST /v1/chat/completions: parse, validate, wait for a slot, generate n choices, answer plain or as SSE.</summary>
internal sealed class ChatCompletionsEndpoint(ServedModel model, RequestMapper mapper, GenerationGate gate, ChoiceRunner runner)
{
    public async Task HandleAsync(HttpContext http)
    {
        var request = await RequestBody.ReadAsync<ChatCompletionRequest>(http);
        var plan = mapper.FromChat(request);
        using var slot = await gate.EnterAsync(http.RequestAborted);
        var id = "chatcmpl-" + Guid.NewGuid().ToString("N");
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (plan.Stream) await StreamAsync(http, plan, id, created);
        else await AnswerAsync(http, plan, id, created);
    }

    async Task AnswerAsync(HttpContext http, GenerationPlan plan, string id, long created)
    {
        var choices = new List<ChatChoice>();
        int promptTokens = plan.PromptTokens, completionTokens = 0;
        for (var i = 0; i < plan.Choices; i++)
        {
            var result = await runner.RunAsync(plan, i, http.RequestAborted);
            choices.Add(new ChatChoice(i, new ResponseMessage("assistant", result.Text), result.FinishReason));
            promptTokens = result.PromptTokens;
            completionTokens += result.CompletionTokens;
        }
        var body = new ChatCompletion(id, "chat.completion", created, model.Id, choices, Usage.Of(promptTokens, completionTokens));
        await http.Response.WriteAsJsonAsync(body, WireJson.Options, http.RequestAborted);
    }

    async Task StreamAsync(HttpContext http, GenerationPlan plan, string id, long created)
    {
        var sse = new SseWriter(http);
        ChatCompletionChunk Chunk(int index, ResponseMessage delta, string? finish) =>
            new(id, "chat.completion.chunk", created, model.Id, [new ChunkChoice(index, delta, finish)], null);

        int promptTokens = plan.PromptTokens, completionTokens = 0;
        for (var i = 0; i < plan.Choices; i++)
        {
            var index = i;
            await sse.WriteAsync(Chunk(index, new ResponseMessage("assistant", ""), null));
            var result = await runner.StreamAsync(plan, index,
                delta => sse.WriteAsync(Chunk(index, new ResponseMessage(null, delta), null)), http.RequestAborted);
            await sse.WriteAsync(Chunk(index, new ResponseMessage(null, null), result.FinishReason));
            promptTokens = result.PromptTokens;
            completionTokens += result.CompletionTokens;
        }
        if (plan.IncludeUsage)
            await sse.WriteAsync(new ChatCompletionChunk(id, "chat.completion.chunk", created, model.Id, [],
                Usage.Of(promptTokens, completionTokens)));
        await sse.DoneAsync();
    }
}
