using LlamaDuo.Pipeline.Config;
using LlamaDuo.Service.Judge.Programmatic;
using LlamaDuo.Torch.Lora;
using LlamaDuo.Torch.Training;
using SvcDedup = LlamaDuo.Service.Dedup.DedupOptions;
using SvcJudge = LlamaDuo.Service.Judge;
using SvcOptions = LlamaDuo.Service.Providers.ServiceOptions;
using SvcSynth = LlamaDuo.Service.Synthesis.SynthesisOptions;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Maps the config file's sections onto the options records of the stages (service, trainer, judge, synthesis,
/// dedup). Kept in one place so a reader sees every knob the loop turns.
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

    public static TrainOptions Train(LlamaDuoConfig config, bool resume, string? initAdapter)
    {
        var t = config.Student.Training;
        var lora = config.Student.Lora;
        return new TrainOptions
        {
            Method = config.Student.Method == TrainingMethod.Full ? TrainMethod.Full : TrainMethod.Lora,
            Lora = new LoraSettings
            {
                Rank = lora.Rank,
                Alpha = lora.Alpha ?? 2.0 * lora.Rank,
                Dropout = lora.Dropout,
                Targets = lora.Targets,
            },
            Epochs = t.Epochs,
            LearningRate = t.LearningRate,
            WarmupRatio = t.WarmupRatio,
            WeightDecay = t.WeightDecay,
            BatchSize = t.BatchSize,
            GradAccum = t.GradAccum,
            MaxGradNorm = t.MaxGradNorm,
            MaxLength = t.MaxLen,
            Seed = t.Seed,
            Dtype = t.Dtype.ToLowerInvariant() switch
            {
                "fp32" or "float32" => TrainDtype.Float32,
                "bf16" or "bfloat16" => TrainDtype.BFloat16,
                _ => TrainDtype.Auto,
            },
            Checkpointing = t.Checkpointing switch { "on" => CheckpointingMode.On, "off" => CheckpointingMode.Off, _ => CheckpointingMode.Auto },
            MemoryLimitGb = t.MemoryLimitGb,
            Packing = t.Packing,
            Resume = resume,
            InitAdapter = initAdapter,
        };
    }

    public static SvcJudge.LlmJudgeOptions LlmJudge(LlamaDuoConfig config, string? modelId) => new()
    {
        Rounds = config.Judge.Rounds,
        Temperature = (float)config.Judge.Temperature,
        ModelId = modelId,
        MaxConcurrentCalls = ServiceConcurrency(config),
    };

    public static SvcJudge.JudgeRunOptions JudgeRun(LlamaDuoConfig config)
    {
        var pass = config.Judge.Pass;
        return new SvcJudge.JudgeRunOptions
        {
            MaxConcurrentRows = ServiceConcurrency(config),
            RowThreshold = pass.CoverageThreshold,
            PassRule = new SvcJudge.PassRule
            {
                MinMeanSimilarity = pass.MinSimilarity,
                MinMeanPrecision = pass.MinPrecision,
                MinSimilarityCoverage = pass.MinCoverage > 0 ? pass.MinCoverage : null,
                MinPrecisionCoverage = pass.MinCoverage > 0 ? pass.MinCoverage : null,
            },
        };
    }

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

    public static SvcSynth Synthesis(LlamaDuoConfig config, string? modelId) => new()
    {
        PairsPerCall = config.Synthesis.RowsPerRequest,
        SeedsPerCall = config.Synthesis.SeedCount,
        Temperature = (float)config.Synthesis.Temperature,
        ModelId = modelId,
        MaxConcurrentCalls = ServiceConcurrency(config),
    };

    public static SvcDedup Dedup(LlamaDuoConfig config)
    {
        var d = config.Synthesis.Dedup;
        return new SvcDedup
        {
            JaccardThreshold = d.JaccardThreshold,
            ShingleSize = d.ShingleSize,
            Permutations = d.Permutations,
            RougeLThreshold = d.RougeLThreshold,
            ContaminationNgram = d.DecontamNgram,
            ContaminationThreshold = d.DecontamThreshold,
        };
    }
}
