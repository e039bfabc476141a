using LlamaDuo.Torch.Lora;
using LlamaDuo.Torch.Training;

namespace LlamaDuo.Pipeline.Config;

/// <summary>The <c>student</c> section: the small local model and how it is fine-tuned.</summary>
public sealed record StudentOptions
{
    /// <summary>"stories15m" (cached automatically), a llama2.c .bin file, or a Hugging Face model folder.</summary>
    public string Model { get; init; } = "stories15m";

    /// <summary>lora (the default: the enum's first value) or full fine-tuning.</summary>
    public TrainMethod Method { get; init; }

    /// <summary>Chat template name overriding the model's own (for example chatml); null keeps the model's.</summary>
    public string? Template { get; init; }

    /// <summary>Optimisation settings: the trainer's own options record (its run-only settings are not keys).</summary>
    public TrainOptions Training { get; init; } = new();

    /// <summary>Adapter settings, used when method is lora.</summary>
    public LoraSettings Lora { get; init; } = new();

    /// <summary>torch (our trainer, in-process) or external (a job folder run by a launcher; see docs/external-training.md).</summary>
    public TrainingBackend Backend { get; init; } = TrainingBackend.Torch;

    /// <summary>Launcher settings, used when backend is external.</summary>
    public ExternalTrainingOptions External { get; init; } = new();
}
