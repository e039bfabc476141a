namespace LlamaDuo.Torch.Training;

/// <summary>One optimiser step: its loss (mean over its target tokens), learning rate, real tokens, target tokens and wall time.</summary>
public sealed record LossPoint(int Step, int Epoch, double Loss, double LearningRate, long Tokens = 0, long Targets = 0, double Seconds = 0);

/// <summary>Mean loss on the held-out slice at the end of an epoch.</summary>
public sealed record EvalPoint(int Step, int Epoch, double Loss);

/// <summary>What a training run did and where it put its outputs; also written as train_result.json.</summary>
public sealed record TrainResult
{
    public required string OutputDir { get; init; }
    /// <summary>The PEFT adapter folder (LoRA), else null.</summary>
    public string? AdapterDir { get; init; }
    /// <summary>The Hugging Face folder of the trained weights (full fine-tuning), else null.</summary>
    public string? ModelDir { get; init; }
    public required string Method { get; init; }
    /// <summary>"float32" or "bfloat16": the frozen base's precision.</summary>
    public required string Dtype { get; init; }
    public required string Device { get; init; }
    public int Steps { get; init; }
    public int StepsPerEpoch { get; init; }
    public int Epochs { get; init; }
    /// <summary>Rows trained on (after drops and the held-out slice).</summary>
    public int Examples { get; init; }
    public int HeldOut { get; init; }
    /// <summary>Rows cut to the maximum length.</summary>
    public int Truncated { get; init; }
    /// <summary>Rows left out: over-long under the drop policy, or with no target token left.</summary>
    public int Dropped { get; init; }
    public int MaxLength { get; init; }
    public long TrainableParameters { get; init; }
    /// <summary>Real tokens (padding excluded) processed by training steps.</summary>
    public long Tokens { get; init; }
    /// <summary>Wall time of the training steps (evaluation and checkpoints excluded), over all sessions of the run.</summary>
    public double TrainSeconds { get; init; }
    public double TokensPerSecond => TrainSeconds > 0 ? Tokens / TrainSeconds : 0;
    /// <summary>The step this session resumed after, or null for a fresh run.</summary>
    public int? ResumedFromStep { get; init; }
    /// <summary>Whether activation checkpointing ran (see <see cref="MemoryPlan"/>).</summary>
    public bool Checkpointing { get; init; }
    /// <summary>Whether freed native memory was kept for reuse during the steps (see <see cref="MemoryPlan.KeepFreedMemory"/>).</summary>
    public bool KeptFreedMemory { get; init; }
    /// <summary>How often the kept heap passed the plan's bound and its free pages were returned (<see cref="MemoryPlan.KeptHeapLimitBytes"/>).</summary>
    public int HeapTrims { get; init; }
    /// <summary>The memory estimate made before the first step, GB (with freed memory kept, the plan checked 1.2x of it).</summary>
    public double EstimatedPeakGb { get; init; }
    /// <summary>Peak resident memory of the process when training ended, GB (VmHWM; includes loading).</summary>
    public double PeakRssGb { get; init; }
    public IReadOnlyList<LossPoint> LossHistory { get; init; } = [];
    public IReadOnlyList<EvalPoint> EvalHistory { get; init; } = [];
    public double? FinalLoss => LossHistory.Count > 0 ? LossHistory[^1].Loss : null;
}

/// <summary>
/// A progress report: a step line (loss, lr, real tokens/s, resident memory, time left in the epoch and in the
/// round's training), an epoch's held-out loss, or a one-off <see cref="Note"/> (the memory plan, the dtype chosen).
/// </summary>
public sealed record TrainProgress(int Step, int TotalSteps, int Epoch, double Loss, double LearningRate, double TokensPerSecond,
    TimeSpan Eta, double? EvalLoss = null, TimeSpan? EpochEta = null, double RssGb = 0, string? Note = null)
{
    /// <summary>A report that carries only a message.</summary>
    public static TrainProgress Message(string note) => new(0, 0, 0, 0, 0, 0, TimeSpan.Zero, Note: note);

    /// <summary>One line for a log.</summary>
    public override string ToString() => Note ?? (EvalLoss is { } eval
        ? $"epoch {Epoch + 1} done at step {Step}/{TotalSteps}: held-out loss {eval:F4}"
        : $"step {Step}/{TotalSteps} epoch {Epoch + 1} loss {Loss:F4} lr {LearningRate:E2} {TokensPerSecond:F0} tok/s rss {RssGb:F1} GB" +
          $" left: epoch {Clock(EpochEta ?? TimeSpan.Zero)} round {Clock(Eta)}");

    static string Clock(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : $"{t.Minutes}m{t.Seconds:D2}s";
}
