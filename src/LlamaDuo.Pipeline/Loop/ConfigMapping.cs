using LlamaDuo.Pipeline.Config;
using LlamaDuo.Service.Judge.Programmatic;
using LlamaDuo.Service.Providers;
using LlamaDuo.Torch.Lora;
using LlamaDuo.Torch.Training;
using SvcDedup = LlamaDuo.Service.Dedup.DedupOptions;
using SvcJudge = LlamaDuo.Service.Judge;
using SvcSynth = LlamaDuo.Service.Synthesis.SynthesisOptions;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Maps the config file's sections onto the options records of the stages (service, trainer, judge, synthesis,
/// dedup). Kept in one place so a reader sees every knob the loop turns.
/// </summary>
public static class ConfigMapping
{
    /// <summary>The second judge's client options: the service section with the second judge's endpoint, no price override; it batches like the primary one, except on Gemini, which has no batch support.</summary>
    public static ServiceOptions SecondJudge(LlamaDuoConfig config, SecondJudgeOptions second) => config.Service with
    {
        Provider = second.Provider,
        Model = second.Model,
        BaseUrl = second.BaseUrl,
        ApiKeyEnv = second.ApiKeyEnv,
        Prices = new(),
        Batch = config.Service.Batch with { Enabled = config.Service.Batch.Enabled && second.Provider != ServiceProvider.Gemini },
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
    };

    public static SvcJudge.JudgeRunOptions JudgeRun(LlamaDuoConfig config)
    {
        var pass = config.Judge.Pass;
        return new SvcJudge.JudgeRunOptions
        {
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
        // A synthesis wave: in batch mode every request of it at once (up to batch.max_requests), so it lands in one
        // provider batch; otherwise the middleware's concurrency bound.
        MaxConcurrentCalls = config.Service.Batch.Enabled ? Math.Max(1, config.Service.Batch.MaxRequests) : Math.Max(1, config.Service.Limits.Concurrency),
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
