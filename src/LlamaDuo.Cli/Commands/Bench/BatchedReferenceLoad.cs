using System.Diagnostics;
using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.Server.Load;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Cli.Commands.Bench;

/// <summary>
/// The llama.cpp batched reference of <c>bench serve</c>: what `bench generate` reports as llamacpp_b1/b8, run as a
/// load. One <see cref="LlamaCppGenerator"/> with C sequences completes C copies of the load's prompt together (one
/// llama_batch per step, same token budget and temperature as the clients), again and again for the duration. No
/// HTTP, no scheduling, no requests joining late: the ceiling the server's batching is measured against.
/// </summary>
internal static class BatchedReferenceLoad
{
    public static Task<LoadResult> RunAsync(LlamaCppChatClient client, LoadOptions options, int concurrency, int seedBase, CancellationToken ct) =>
        Task.Run(() =>
        {
            var model = client.Model;
            var prompt = model.Tokenize(client.RenderPrompt([new ChatMessage(ChatRole.User, options.Prompt)]), model.AddsBos);
            var prompts = Enumerable.Repeat(prompt, concurrency).ToArray();
            using var generator = new LlamaCppGenerator(model, Math.Min(model.TrainedContextLength, prompt.Count + options.MaxTokens + 1), concurrency);
            long tokens = 0;
            int requests = 0;
            var clock = Stopwatch.StartNew();
            for (var call = 0; clock.Elapsed < options.Duration; call++)
            {
                var sampling = new LlamaCppSampling(options.Temperature, Seed: seedBase + call);
                var completions = generator.Generate(prompts, new LlamaCppRequest(options.MaxTokens, sampling), ct: ct);
                tokens += completions.Sum(c => c.Tokens.Count);
                requests += completions.Count;
            }
            return new LoadResult(tokens, requests, 0, clock.Elapsed, [], null);
        }, ct);
}
