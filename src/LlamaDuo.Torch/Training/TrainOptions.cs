using LlamaDuo.Core.Errors;
using LlamaDuo.Torch.Lora;

namespace LlamaDuo.Torch.Training;

/// <summary>Which weights training changes.</summary>
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
    Float32,
    BFloat16,
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
/// Everything one SFT run needs besides the model and data. Defaults follow the LlamaDuo paper's recipe (LoRA r 8,
/// alpha 16, dropout 0.05, cosine with 10% warmup) with a learning rate that suits small students on a few hundred rows.
/// </summary>
public sealed record TrainOptions
{
    public TrainMethod Method { get; init; } = TrainMethod.Lora;
    public LoraSettings Lora { get; init; } = new();
    /// <summary>Passes over the training rows (ignored when <see cref="MaxSteps"/> is set).</summary>
    public int Epochs { get; init; } = 3;
    /// <summary>Optimiser steps to run instead of whole epochs.</summary>
    public int? MaxSteps { get; init; }
    /// <summary>Peak learning rate of the cosine schedule.</summary>
    public double LearningRate { get; init; } = 2e-4;
    public double WarmupRatio { get; init; } = 0.1;
    public double WeightDecay { get; init; } = 0.0;
    /// <summary>Rows per micro-batch.</summary>
    public int BatchSize { get; init; } = 8;
    /// <summary>Micro-batches per optimiser step (effective batch = BatchSize x GradAccum).</summary>
    public int GradAccum { get; init; } = 1;
    /// <summary>Global gradient-norm clip; 0 turns clipping off.</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>Longest example in tokens; null means the model's context length.</summary>
    public int? MaxLength { get; init; }
    public OverlongPolicy Overlong { get; init; } = OverlongPolicy.Truncate;
    /// <summary>Score only assistant tokens (true) or every token of the rendered conversation.</summary>
    public bool AssistantOnlyLoss { get; init; } = true;
    public int Seed { get; init; } = 42;
    public TrainDtype Dtype { get; init; } = TrainDtype.Auto;
    /// <summary>Pack short examples into rows of up to max-len tokens (batch_size then counts packed rows).</summary>
    public bool Packing { get; init; }
    /// <summary>Activation checkpointing: auto (on when memory needs it), on or off.</summary>
    public CheckpointingMode Checkpointing { get; init; } = CheckpointingMode.Auto;
    /// <summary>Peak memory the run may plan for, in GB (10^9 bytes); null: what the process holds plus 90% of what the machine has available at the start.</summary>
    public double? MemoryLimitGb { get; init; }
    /// <summary>"cpu" or "cuda" (needs TorchSharp's CUDA backend).</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Write a checkpoint every this many optimiser steps (0: only at the end).</summary>
    public int SaveEvery { get; init; } = 50;
    /// <summary>Report progress every this many steps.</summary>
    public int LogEvery { get; init; } = 10;
    /// <summary>Share of the training rows held out for a loss check each epoch (at most <see cref="HeldOutMax"/>; none below 20 rows).</summary>
    public double HeldOutFraction { get; init; } = 0.05;
    public int HeldOutMax { get; init; } = 64;
    /// <summary>Continue from the latest checkpoint in the output folder.</summary>
    public bool Resume { get; init; }
    /// <summary>A PEFT adapter folder to start from (a previous round's adapter) instead of B = 0.</summary>
    public string? InitAdapter { get; init; }
    /// <summary>Checkpoints kept on disk (oldest deleted first).</summary>
    public int KeepCheckpoints { get; init; } = 2;
    /// <summary>Write checkpoints, the adapter or weights and train_result.json; off only for throughput benchmarks.</summary>
    public bool WriteOutputs { get; init; } = true;

    /// <summary>Throws an <see cref="InputException"/> naming the first bad field.</summary>
    public void Validate()
    {
        static void Require(bool ok, string field, object value, string why)
        {
            if (!ok) throw new InputException(why, field: field, value: value.ToString());
        }
        Require(Epochs >= 1, "epochs", Epochs, "must be at least 1");
        Require(MaxSteps is null or >= 1, "max-steps", MaxSteps ?? 0, "must be at least 1");
        Require(LearningRate > 0 && LearningRate < 1, "lr", LearningRate, "must be in (0, 1)");
        Require(WarmupRatio is >= 0 and < 1, "warmup-ratio", WarmupRatio, "must be in [0, 1)");
        Require(WeightDecay >= 0, "weight-decay", WeightDecay, "must not be negative");
        Require(BatchSize >= 1, "batch-size", BatchSize, "must be at least 1");
        Require(GradAccum >= 1, "grad-accum", GradAccum, "must be at least 1");
        Require(MaxGradNorm >= 0, "max-grad-norm", MaxGradNorm, "must not be negative");
        Require(MaxLength is null or >= 2, "max-len", MaxLength ?? 0, "must be at least 2");
        Require(SaveEvery >= 0, "save-every", SaveEvery, "must not be negative");
        Require(LogEvery >= 1, "log-every", LogEvery, "must be at least 1");
        Require(HeldOutFraction is >= 0 and < 1, "held-out", HeldOutFraction, "must be in [0, 1)");
        Require(KeepCheckpoints >= 1, "keep-checkpoints", KeepCheckpoints, "must be at least 1");
        Require(MemoryLimitGb is null or > 0, "memory-limit", MemoryLimitGb ?? 0, "must be positive (GB)");
        Require(Device is "cpu" or "cuda", "device", Device, "must be cpu or cuda");
        Require(Lora.Rank >= 1, "rank", Lora.Rank, "must be at least 1");
        Require(Lora.Alpha > 0, "alpha", Lora.Alpha, "must be positive");
        Require(Lora.Dropout is >= 0 and < 1, "dropout", Lora.Dropout, "must be in [0, 1)");
        Require(Method == TrainMethod.Lora || Dtype != TrainDtype.BFloat16, "dtype", "bf16",
            "bf16 applies to LoRA's frozen base; full fine-tuning trains fp32 weights (use --dtype fp32 or auto)");
        Require(Method == TrainMethod.Lora || InitAdapter is null, "init-adapter", InitAdapter ?? "", "an adapter can only start a LoRA run");
    }
}
