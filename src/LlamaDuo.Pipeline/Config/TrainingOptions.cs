namespace LlamaDuo.Pipeline.Config;

/// <summary>The <c>student.training</c> section. Defaults follow the LlamaDuo paper where it gives one.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training rows per round (paper: about 10).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Peak learning rate of AdamW (paper: 2e-4).</summary>
    public double LearningRate { get; init; } = 2e-4;

    /// <summary>Share of the steps spent warming up linearly before the cosine decay (paper: 0.1).</summary>
    public double WarmupRatio { get; init; } = 0.1;

    /// <summary>AdamW weight decay.</summary>
    public double WeightDecay { get; init; } = 0.0;

    /// <summary>Gradient-norm clipping; 0 turns it off.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Rows per micro-batch.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Micro-batches accumulated per optimizer step.</summary>
    public int GradAccum { get; init; } = 1;

    /// <summary>Longest tokenized row; longer rows are truncated (and never beyond the model's context).</summary>
    public int MaxLen { get; init; } = 1024;

    /// <summary>Seed for initialisation, shuffling and dropout.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Compute type: auto (bf16 frozen base where the CPU supports it), fp32 or bf16.</summary>
    public string Dtype { get; init; } = "auto";

    /// <summary>Pack short rows into rows of up to max_len tokens (batch_size then counts packed rows).</summary>
    public bool Packing { get; init; }

    /// <summary>Activation checkpointing per decoder layer: auto (on when the memory estimate needs it), on or off.</summary>
    public string Checkpointing { get; init; } = "auto";

    /// <summary>Peak memory training may plan for, GB; unset: what the process holds plus 90% of what the machine has available when training starts.</summary>
    public double? MemoryLimitGb { get; init; }

    /// <summary>Start each round from the previous round's weights instead of the base model.</summary>
    public bool WarmStart { get; init; } = true;
}
