using LlamaDuo.Pipeline.Config;
using LlamaDuo.Service.Dedup;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Judge.Programmatic;
using LlamaDuo.Service.Synthesis;
using LlamaDuo.Torch.Generation;
using LlamaDuo.Torch.Training;
using Microsoft.Extensions.AI;
using SvcOptions = LlamaDuo.Service.Providers.ServiceOptions;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// What the stages hand the libraries, from the config. The trainer, judge, synthesis and dedup sections ARE those
/// libraries' options records (bound from YAML directly), so this only adds the run's wiring: a model id, a
/// concurrency limit, a resume flag. Kept in one place so a reader sees every knob the loop turns.
/// </summary>
public static class ConfigMapping
{
    public static SvcOptions Service(LlamaDuoConfig config, string cachePath, string ledgerPath) => new()
    {
        Provider = ProviderName(config.Service.Provider),
        Model = config.Service.Model,
        BaseUrl = config.Service.BaseUrl,
        ApiKeyEnv = config.Service.ApiKeyEnv,
        TimeoutS = config.Service.TimeoutSeconds,
        MaxRetries = config.Service.Retries,
        RequestsPerMinute = config.Service.Limits.Rpm,
        TokensPerMinute = config.Service.Limits.Tpm,
        MaxConcurrency = config.Service.Limits.Concurrency,
        Prices = PriceOverrides(config),
        CachePath = config.Service.Cache ? cachePath : null,
        LedgerPath = ledgerPath,
        Batch = new LlamaDuo.Service.Batch.BatchOptions
        {
            Enabled = config.Service.Batch.Enabled,
            PollS = config.Service.Batch.PollS,
            MaxRequests = config.Service.Batch.MaxRequests,
            WindowMs = config.Service.Batch.WindowMs,
            PriceFactor = config.Service.Batch.PriceFactor,
        },
    };

    /// <summary>
    /// Calls the judge and synthesizer keep in flight: the rate-limit concurrency, or in batch mode every request at
    /// once (up to batch.max_requests), so that one judge round or synthesis wave lands in one provider batch.
    /// </summary>
    public static int ServiceConcurrency(LlamaDuoConfig config) =>
        config.Service.Batch.Enabled ? Math.Max(1, config.Service.Batch.MaxRequests) : Math.Max(1, config.Service.Limits.Concurrency);

    /// <summary>The second judge's client options; it batches like the primary one, except on Gemini, which has no batch support here.</summary>
    public static SvcOptions SecondJudge(LlamaDuoConfig config, SecondJudgeOptions second, string cachePath, string ledgerPath)
    {
        var primary = Service(config, cachePath, ledgerPath);
        return primary with
        {
            Provider = ProviderName(second.Provider),
            Model = second.Model,
            BaseUrl = second.BaseUrl,
            ApiKeyEnv = second.ApiKeyEnv,
            Prices = null,
            Batch = primary.Batch with { Enabled = primary.Batch.Enabled && second.Provider != ServiceProvider.Gemini },
        };
    }

    static IReadOnlyDictionary<string, string>? PriceOverrides(LlamaDuoConfig config)
    {
        var p = config.Service.Prices;
        if (p.InputPerMillion is null && p.OutputPerMillion is null) return null;
        var text = $"{p.InputPerMillion ?? 0}/{p.OutputPerMillion ?? 0}";
        return new Dictionary<string, string> { [config.Service.Model] = text };
    }

    public static string ProviderName(ServiceProvider provider) => provider switch
    {
        ServiceProvider.OpenAI => "openai",
        ServiceProvider.Anthropic => "anthropic",
        ServiceProvider.Gemini => "gemini",
        ServiceProvider.OpenAICompatible => "openai-compatible",
        ServiceProvider.Demo => "demo",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <summary>The trainer's options: student.training with the method and LoRA shape from the student section.</summary>
    public static TrainOptions Train(LlamaDuoConfig config, bool resume, string? initAdapter) =>
        config.Student.Training with { Method = config.Student.Method, Lora = config.Student.Lora, Resume = resume, InitAdapter = initAdapter };

    public static LlmJudgeOptions LlmJudge(LlamaDuoConfig config, string? modelId) =>
        config.Judge with { ModelId = modelId, MaxConcurrentCalls = ServiceConcurrency(config) };

    public static JudgeRunOptions JudgeRun(LlamaDuoConfig config) => new()
    {
        MaxConcurrentRows = ServiceConcurrency(config),
        PassRule = config.Judge.Pass,
    };

    /// <summary>The programmatic judge for a metric other than "llm", or null.</summary>
    public static ProgrammaticJudge? Programmatic(LlamaDuoConfig config)
    {
        var metric = config.Judge.Metrics.FirstOrDefault(m => m != JudgeMetric.Llm);
        if (config.Judge.Metrics.Contains(JudgeMetric.Llm) || config.Judge.Metrics.Count == 0) return null;
        return metric switch
        {
            JudgeMetric.Exact => new ProgrammaticJudge(ProgrammaticMetric.ExactMatch),
            JudgeMetric.RougeL => new ProgrammaticJudge(ProgrammaticMetric.RougeL),
            JudgeMetric.Bleu => new ProgrammaticJudge(ProgrammaticMetric.Bleu),
            _ => null,
        };
    }

    public static SynthesisOptions Synthesis(LlamaDuoConfig config, string? modelId) =>
        config.Synthesis with { ModelId = modelId, MaxConcurrentCalls = ServiceConcurrency(config) };

    public static DedupOptions Dedup(LlamaDuoConfig config) => config.Synthesis.Dedup;

    /// <summary>
    /// The infer stage's decoding settings for round <paramref name="round"/>, on every engine: one seed scheme, a
    /// base of inference.seed + round x 100000 from which each (prompt, sample) gets its own stream (our torch
    /// generator derives them itself; a chat client is given base + job, see <see cref="SampleOptions"/>).
    /// </summary>
    public static GenerationOptions Decoding(InferenceOptions inf, int round) => new()
    {
        MaxNewTokens = inf.MaxNewTokens,
        Temperature = (float)inf.Temperature,
        TopP = (float)inf.TopP,
        TopK = inf.TopK,
        Seed = inf.Seed + round * 100_000L,
        StopStrings = inf.Stop,
        SamplesPerPrompt = inf.K,
        MaxBatchSize = inf.BatchSize,
    };

    /// <summary>
    /// <see cref="Decoding"/> as one chat request: job <paramref name="index"/> (prompt p, sample k: p x K + k) of
    /// round <paramref name="round"/>, on llama.cpp or a remote server.
    /// </summary>
    public static ChatOptions SampleOptions(InferenceOptions inf, int round, int index)
    {
        var d = Decoding(inf, round);
        return new ChatOptions
        {
            ModelId = inf.Model,
            Temperature = d.Temperature,
            TopP = d.TopP,
            TopK = d.TopK > 0 ? d.TopK : null,
            Seed = d.Seed + index,
            MaxOutputTokens = d.MaxNewTokens,
            StopSequences = [.. d.StopStrings],
        };
    }
}
