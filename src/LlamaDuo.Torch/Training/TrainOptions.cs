using System.Runtime.Serialization;
using LlamaDuo.Core.Errors;
using LlamaDuo.Core.Options;
using LlamaDuo.Torch.Lora;

namespace LlamaDuo.Torch.Training;

/// <summary>Which weights training changes (the config's <c>student.method</c>).</summary>
public enum TrainMethod
{
    /// <summary>Low-rank adapters on the target projections; the base is frozen.</summary>
    Lora,
    /// <summary>Every weight, in fp32.</summary>
    Full,
}

/// <summary>Precision of the frozen base during LoRA training.</summary>
public enum TrainDtype
{
    /// <summary>LoRA: bf16 when a GEMM probe at the model's shapes finds it faster than fp32 on this CPU (always on CUDA); full fine-tuning: fp32. See <see cref="DtypeChoice"/>.</summary>
    Auto,
    [EnumMember(Value = "fp32")] Float32,
    [EnumMember(Value = "bf16")] BFloat16,
}

/// <summary>Activation checkpointing per decoder layer (keep each layer's input, recompute it in the backward pass).</summary>
public enum CheckpointingMode
{
    /// <summary>On when the memory estimate without it exceeds the budget (see <see cref="MemoryPlan"/>).</summary>
    Auto,
    On,
    Off,
}

/// <summary>
/// Everything one SFT run needs besides the model and data, and the config's <c>student.training</c> section (every
/// settable property not marked <see cref="NotInConfigAttribute"/> is a key there). Defaults follow the LlamaDuo
/// paper's recipe where it gives one (10 epochs, cosine with 10% warmup, LoRA r 8, alpha 2r, dropout 0.05); the
/// `train` command's flags take theirs from <see cref="Defaults"/>.
/// </summary>
public sealed record TrainOptions
{
    /// <summary>Defaults that the `train` command's flags show, as constants (attribute arguments must be).</summary>
    public static class Defaults
    {
        public const int Epochs = 10;
        public const double LearningRate = 2e-4;
        public const double WarmupRatio = 0.1;
        public const double WeightDecay = 0.0;
        public const double MaxGradNorm = 1.0;
        public const int BatchSize = 8;
        public const int GradAccum = 1;
        public const int MaxLen = 1024;
        public const int Seed = 42;
        public const string Device = "cpu";
        public const int SaveEvery = 50;
        public const int LogEvery = 10;
        public const double HeldOutFraction = 0.05;
    }

    /// <summary>Passes over the training rows per round (paper: about 10; ignored when <see cref="MaxSteps"/> is set).</summary>
    public int Epochs { get; init; } = Defaults.Epochs;
    /// <summary>Peak learning rate of AdamW on the cosine schedule (paper: 2e-4).</summary>
    public double LearningRate { get; init; } = Defaults.LearningRate;
    /// <summary>Share of the steps spent warming up linearly before the cosine decay (paper: 0.1).</summary>
    public double WarmupRatio { get; init; } = Defaults.WarmupRatio;
    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; init; } = Defaults.WeightDecay;
    /// <summary>Global gradient-norm clip; 0 turns clipping off.</summary>
    public double MaxGradNorm { get; init; } = Defaults.MaxGradNorm;
    /// <summary>Rows per micro-batch.</summary>
    public int BatchSize { get; init; } = Defaults.BatchSize;
    /// <summary>Micro-batches per optimiser step (effective batch = BatchSize x GradAccum).</summary>
    public int GradAccum { get; init; } = Defaults.GradAccum;
    /// <summary>Longest tokenized row; longer rows are truncated or dropped (see <see cref="Overlong"/>), and never beyond the model's context.</summary>
    public int MaxLen { get; init; } = Defaults.MaxLen;
    /// <summary>Seed for initialisation, shuffling and dropout.</summary>
    public int Seed { get; init; } = Defaults.Seed;
    /// <summary>Compute type of the frozen base: auto, fp32 or bf16.</summary>
    public TrainDtype Dtype { get; init; }
    /// <summary>Pack short rows into rows of up to max_len tokens (batch_size then counts packed rows).</summary>
    public bool Packing { get; init; }
    /// <summary>Activation checkpointing per decoder layer: auto (on when the memory estimate needs it), on or off.</summary>
    public CheckpointingMode Checkpointing { get; init; }
    /// <summary>Peak memory the run may plan for, in GB (10^9 bytes); null: what the process holds plus 90% of what the machine has available at the start.</summary>
    public double? MemoryLimitGb { get; init; }
    /// <summary>Read by the loop, not the trainer: start each round from the previous round's adapter (<see cref="InitAdapter"/>) instead of the base model.</summary>
    public bool WarmStart { get; init; } = true;

    // What follows is set by the caller (the loop takes method and LoRA shape from the config's student section).

    /// <summary>LoRA (the default) or full fine-tuning.</summary>
    [NotInConfig] public TrainMethod Method { get; init; }
    [NotInConfig] public LoraSettings Lora { get; init; } = new();
    /// <summary>Optimiser steps to run instead of whole epochs.</summary>
    [NotInConfig] public int? MaxSteps { get; init; }
    [NotInConfig] public OverlongPolicy Overlong { get; init; } = OverlongPolicy.Truncate;
    /// <summary>Score only assistant tokens (true) or every token of the rendered conversation.</summary>
    [NotInConfig] public bool AssistantOnlyLoss { get; init; } = true;
    /// <summary>"cpu" or "cuda" (needs TorchSharp's CUDA backend).</summary>
    [NotInConfig] public string Device { get; init; } = Defaults.Device;
    /// <summary>Write a checkpoint every this many optimiser steps (0: only at the end).</summary>
    [NotInConfig] public int SaveEvery { get; init; } = Defaults.SaveEvery;
    /// <summary>Report progress every this many steps.</summary>
    [NotInConfig] public int LogEvery { get; init; } = Defaults.LogEvery;
    /// <summary>Share of the training rows held out for a loss check each epoch (at most <see cref="HeldOutMax"/>; none below 20 rows).</summary>
    [NotInConfig] public double HeldOutFraction { get; init; } = Defaults.HeldOutFraction;
    [NotInConfig] public int HeldOutMax { get; init; } = 64;
    /// <summary>Continue from the latest checkpoint in the output folder.</summary>
    [NotInConfig] public bool Resume { get; init; }
    /// <summary>A PEFT adapter folder to start from (a previous round's adapter) instead of B = 0.</summary>
    [NotInConfig] public string? InitAdapter { get; init; }
    /// <summary>Checkpoints kept on disk (oldest deleted first).</summary>
    [NotInConfig] public int KeepCheckpoints { get; init; } = 2;
    /// <summary>Write checkpoints, the adapter or weights and train_result.json; off only for throughput benchmarks.</summary>
    [NotInConfig] public bool WriteOutputs { get; init; } = true;

    /// <summary>
    /// The first setting out of range, named by its config key under <c>student</c> (<c>training.epochs</c>,
    /// <c>lora.rank</c>; the caller's own settings by their property in snake_case), with its value and the rule;
    /// null when every setting is usable. The config validator and the `train` command report it in their own
    /// spelling (key and line, or flag), so the rules are written once.
    /// </summary>
    public (string Key, object? Value, string Rule)? FirstProblem()
    {
        (bool Ok, string Key, object? Value, string Rule)[] rules =
        [
            (Epochs >= 1, "training.epochs", Epochs, "must be at least 1"),
            (LearningRate is > 0 and < 1, "training.learning_rate", LearningRate, "must be in (0, 1)"),
            (WarmupRatio is >= 0 and < 1, "training.warmup_ratio", WarmupRatio, "must be in [0, 1)"),
            (WeightDecay >= 0, "training.weight_decay", WeightDecay, "must not be negative"),
            (MaxGradNorm >= 0, "training.max_grad_norm", MaxGradNorm, "must not be negative (0 turns clipping off)"),
            (BatchSize >= 1, "training.batch_size", BatchSize, "must be at least 1"),
            (GradAccum >= 1, "training.grad_accum", GradAccum, "must be at least 1"),
            (MaxLen >= 8, "training.max_len", MaxLen, "must be at least 8 tokens"),
            (MemoryLimitGb is null or > 0, "training.memory_limit_gb", MemoryLimitGb ?? 0, "must be positive (GB)"),
            (Lora.Rank >= 1, "lora.rank", Lora.Rank, "must be at least 1"),
            (Lora.Alpha is null or > 0, "lora.alpha", Lora.Alpha, "must be positive (or null for 2 x rank)"),
            (Lora.Dropout is >= 0 and < 1, "lora.dropout", Lora.Dropout, "must be in [0, 1)"),
            (Lora.Targets.Count > 0, "lora.targets", "[]", "must name at least one projection, like [q_proj, v_proj]"),
            (Method == TrainMethod.Lora || Dtype != TrainDtype.BFloat16, "training.dtype", "bf16",
                "bf16 applies to LoRA's frozen base; full fine-tuning trains fp32 weights (use fp32 or auto)"),
            (MaxSteps is null or >= 1, "max_steps", MaxSteps ?? 0, "must be at least 1"),
            (SaveEvery >= 0, "save_every", SaveEvery, "must not be negative"),
            (LogEvery >= 1, "log_every", LogEvery, "must be at least 1"),
            (HeldOutFraction is >= 0 and < 1, "held_out_fraction", HeldOutFraction, "must be in [0, 1)"),
            (KeepCheckpoints >= 1, "keep_checkpoints", KeepCheckpoints, "must be at least 1"),
            (Device is "cpu" or "cuda", "device", Device, "must be cpu or cuda"),
            (Method == TrainMethod.Lora || InitAdapter is null, "init_adapter", InitAdapter ?? "", "an adapter can only start a LoRA run"),
        ];
        foreach (var (ok, key, value, rule) in rules)
            if (!ok) return (key, value, rule);
        return null;
    }

    /// <summary>Throws an <see cref="InputException"/> naming the first bad setting by its key.</summary>
    public void Validate()
    {
        if (FirstProblem() is { } p) throw new InputException(p.Rule, field: p.Key, value: p.Value?.ToString());
    }
}
