using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using LlamaDuo.Torch.Lora;
using LlamaDuo.Torch.Training;

namespace LlamaDuo.Cli.Commands.Train;

/// <summary>
/// Options of `llamaduo train`. A flag that mirrors a config key (student.training.*, student.lora.*) takes its default
/// from <see cref="TrainOptions.Defaults"/> or <see cref="LoraSettings.Defaults"/>, the same constants the config
/// uses; a flag left out whose default is not a constant (method, dtype, checkpointing, targets) is null here and
/// takes the options record's default.
/// </summary>
internal sealed class TrainSettings : CommandSettings
{
    [CommandOption("--run <DIR>")]
    [Description("Single step of a LlamaDuo run folder: train the next round (its config decides everything else).")]
    public string? Run { get; init; }

    [CommandOption("--model <MODEL>")]
    [Description("Student: stories15m, a llama2.c .bin or a Hugging Face folder.")]
    public string Model { get; init; } = "";

    [CommandOption("--data <TRAIN.jsonl>")]
    [Description("JSONL: {\"messages\": [[...]]} or prompt/response columns (instruction, completion, output also read).")]
    public string Data { get; init; } = "";

    [CommandOption("--out <DIR>")]
    [Description("Run folder: adapter/ (LoRA) or model/ (full), checkpoints/, train_result.json.")]
    public string Out { get; init; } = "";

    [CommandOption("--method <METHOD>")]
    [Description("lora (default) or full.")]
    public string? Method { get; init; }

    [CommandOption("--epochs <N>"), DefaultValue(TrainOptions.Defaults.Epochs)] public int Epochs { get; init; }
    [CommandOption("--max-steps <N>"), Description("Optimiser steps instead of epochs.")] public int? MaxSteps { get; init; }
    [CommandOption("--lr <LR>"), DefaultValue(TrainOptions.Defaults.LearningRate)] public double Lr { get; init; }
    [CommandOption("--warmup-ratio <R>"), DefaultValue(TrainOptions.Defaults.WarmupRatio)] public double WarmupRatio { get; init; }
    [CommandOption("--weight-decay <W>"), DefaultValue(TrainOptions.Defaults.WeightDecay)] public double WeightDecay { get; init; }
    [CommandOption("--max-grad-norm <N>"), Description("Gradient clipping; 0 turns it off."), DefaultValue(TrainOptions.Defaults.MaxGradNorm)] public double MaxGradNorm { get; init; }
    [CommandOption("--rank <R>"), DefaultValue(LoraSettings.Defaults.Rank)] public int Rank { get; init; }
    [CommandOption("--alpha <A>"), Description("LoRA alpha (default 2 x rank).")] public double? Alpha { get; init; }
    [CommandOption("--dropout <P>"), DefaultValue(LoraSettings.Defaults.Dropout)] public double Dropout { get; init; }
    [CommandOption("--targets <LIST>"), Description("q,k,v,o,gate,up,down or all (default: the attention projections).")] public string? Targets { get; init; }
    [CommandOption("--batch-size <N>"), DefaultValue(TrainOptions.Defaults.BatchSize)] public int BatchSize { get; init; }
    [CommandOption("--grad-accum <N>"), DefaultValue(TrainOptions.Defaults.GradAccum)] public int GradAccum { get; init; }
    [CommandOption("--max-len <N>"), Description("Longest example in tokens (capped by the model's context)."), DefaultValue(TrainOptions.Defaults.MaxLen)] public int MaxLen { get; init; }
    [CommandOption("--overlong <POLICY>"), Description("truncate (default) or drop.")] public string? Overlong { get; init; }
    [CommandOption("--all-tokens"), Description("Score every token, not only the assistant's.")] public bool AllTokens { get; init; }
    [CommandOption("--seed <S>"), DefaultValue(TrainOptions.Defaults.Seed)] public int Seed { get; init; }
    [CommandOption("--dtype <DTYPE>"), Description("Frozen base: auto (the default: bf16 when a GEMM probe at the model's layer shapes finds it faster here, LoRA only), fp32 or bf16.")] public string? Dtype { get; init; }
    [CommandOption("--packing"), Description("Pack short rows into rows of up to --max-len tokens (--batch-size then counts packed rows).")] public bool Packing { get; init; }
    [CommandOption("--checkpointing <MODE>"), Description("Activation checkpointing per layer: auto (the default: on when memory needs it), on or off.")] public string? Checkpointing { get; init; }
    [CommandOption("--memory-limit-gb <GB>"), Description("Peak memory to plan for (default: what the process holds plus 90% of what is available now); a run that cannot fit is refused up front.")] public double? MemoryLimitGb { get; init; }
    [CommandOption("--device <DEVICE>"), Description("cpu or cuda (needs TorchSharp's CUDA backend)."), DefaultValue(TrainOptions.Defaults.Device)] public string Device { get; init; } = TrainOptions.Defaults.Device;
    [CommandOption("--save-every <N>"), Description("Checkpoint every N steps (0: only at the end)."), DefaultValue(TrainOptions.Defaults.SaveEvery)] public int SaveEvery { get; init; }
    [CommandOption("--log-every <N>"), DefaultValue(TrainOptions.Defaults.LogEvery)] public int LogEvery { get; init; }
    [CommandOption("--held-out <FRACTION>"), Description("Share of rows held out for a loss check each epoch (max 64)."), DefaultValue(TrainOptions.Defaults.HeldOutFraction)] public double HeldOut { get; init; }
    [CommandOption("--resume"), Description("Continue the run in --out from its latest checkpoint.")] public bool Resume { get; init; }
    [CommandOption("--init-adapter <DIR>"), Description("Start from this PEFT adapter (e.g. the previous round's).")] public string? InitAdapter { get; init; }
    [CommandOption("--merge"), Description("Also write the merged model as a Hugging Face folder in OUT/merged.")] public bool Merge { get; init; }
    [CommandOption("--template <NAME>"), Description("Chat template instead of the model's own.")] public string? Template { get; init; }

    public override ValidationResult Validate()
    {
        if (Run is not null) return ValidationResult.Success();
        if (string.IsNullOrWhiteSpace(Model)) return ValidationResult.Error("--model is required");
        if (string.IsNullOrWhiteSpace(Data)) return ValidationResult.Error("--data is required");
        if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out is required");
        if (Method is not (null or "lora" or "full")) return ValidationResult.Error($"--method must be lora or full, not '{Method}'");
        if (Overlong is not (null or "truncate" or "drop")) return ValidationResult.Error($"--overlong must be truncate or drop, not '{Overlong}'");
        if (Dtype is not (null or "auto" or "fp32" or "float32" or "bf16" or "bfloat16")) return ValidationResult.Error($"--dtype must be auto, fp32 or bf16, not '{Dtype}'");
        if (Checkpointing is not (null or "auto" or "on" or "off")) return ValidationResult.Error($"--checkpointing must be auto, on or off, not '{Checkpointing}'");
        if (Merge && Method == "full") return ValidationResult.Error("--merge applies to LoRA runs (a full run already writes OUT/model)");
        return ValidationResult.Success();
    }
}
