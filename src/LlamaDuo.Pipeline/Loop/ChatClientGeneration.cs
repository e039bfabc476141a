using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Service.Providers;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// K answers per test prompt from any <see cref="IChatClient"/> (our llama.cpp engine, or a remote OpenAI-compatible
/// server such as vLLM serving the round's LoRA adapter), with bounded concurrency and one seed per (prompt, sample).
/// </summary>
internal static class ChatClientGeneration
{
    public static async Task<List<Generation>> RunAsync(IChatClient client, IReadOnlyList<CoverageRow> test, InferenceOptions inf,
        int round, CancellationToken ct)
    {
        var jobs = test.SelectMany(row => Enumerable.Range(0, inf.K).Select(k => (row, k))).ToList();
        var results = new Generation[jobs.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, jobs.Count),
            new ParallelOptions { MaxDegreeOfParallelism = inf.Concurrency, CancellationToken = ct }, async (i, token) =>
            {
                var (row, k) = jobs[i];
                var messages = StudentPrompt.Messages(row.Example);
                var options = Options(inf, round, i);
                var response = await client.GetResponseAsync(messages, options, token);
                results[i] = new Generation(row.Id, k, response.Text, response.FinishReason?.Value ?? "stop",
                    (int)(response.Usage?.InputTokenCount ?? 0), (int)(response.Usage?.OutputTokenCount ?? 0));
            });
        return [.. results];
    }

    /// <summary>The sampling options of job <paramref name="index"/> (prompt p, sample k: p x K + k), seeded per round and job.</summary>
    public static ChatOptions Options(InferenceOptions inf, int round, int index) => ConfigMapping.SampleOptions(inf, round, index);

    /// <summary>An IChatClient for inference.engine: remote (the OpenAI wire format; the key, if any, from inference.api_key_env).</summary>
    public static IChatClient Remote(InferenceOptions inf)
    {
        string key = "none";
        if (inf.ApiKeyEnv is { } variable)
            key = Environment.GetEnvironmentVariable(variable)
                ?? throw new InputException($"the remote inference key variable {variable} is not set", field: "inference.api_key_env", value: variable);
        return ProviderClients.OpenAiCompatible(new Uri(inf.BaseUrl!), inf.Model, key);
    }
}
