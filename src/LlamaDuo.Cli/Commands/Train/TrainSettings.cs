using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Train;

/// <summary>Options of `llamaduo train`; defaults are those of <see cref="LlamaDuo.Torch.Training.TrainOptions"/>.</summary>
public sealed class TrainSettings : CommandSettings
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
    [DefaultValue("lora")]
    public string Method { get; init; } = "lora";

    [CommandOption("--epochs <N>"), DefaultValue(3)] public int Epochs { get; init; } = 3;
    [CommandOption("--max-steps <N>"), Description("Optimiser steps instead of epochs.")] public int? MaxSteps { get; init; }
    [CommandOption("--lr <LR>"), DefaultValue(2e-4)] public double Lr { get; init; } = 2e-4;
    [CommandOption("--warmup-ratio <R>"), DefaultValue(0.1)] public double WarmupRatio { get; init; } = 0.1;
    [CommandOption("--weight-decay <W>"), DefaultValue(0.0)] public double WeightDecay { get; init; }
    [CommandOption("--max-grad-norm <N>"), Description("Gradient clipping; 0 turns it off."), DefaultValue(1.0)] public double MaxGradNorm { get; init; } = 1.0;
    [CommandOption("--rank <R>"), DefaultValue(8)] public int Rank { get; init; } = 8;
    [CommandOption("--alpha <A>"), Description("LoRA alpha (default 2 x rank).")] public double? Alpha { get; init; }
    [CommandOption("--dropout <P>"), DefaultValue(0.05)] public double Dropout { get; init; } = 0.05;
    [CommandOption("--targets <LIST>"), Description("q,k,v,o,gate,up,down or all."), DefaultValue("q,k,v,o")] public string Targets { get; init; } = "q,k,v,o";
    [CommandOption("--batch-size <N>"), DefaultValue(8)] public int BatchSize { get; init; } = 8;
    [CommandOption("--grad-accum <N>"), DefaultValue(1)] public int GradAccum { get; init; } = 1;
    [CommandOption("--max-len <N>"), Description("Longest example in tokens (default: the model's context).")] public int? MaxLen { get; init; }
    [CommandOption("--overlong <POLICY>"), Description("truncate (default) or drop."), DefaultValue("truncate")] public string Overlong { get; init; } = "truncate";
    [CommandOption("--all-tokens"), Description("Score every token, not only the assistant's.")] public bool AllTokens { get; init; }
    [CommandOption("--seed <S>"), DefaultValue(42)] public int Seed { get; init; } = 42;
    [CommandOption("--dtype <DTYPE>"), Description("Frozen base: auto (bf16 where the CPU has it, LoRA only), fp32 or bf16."), DefaultValue("auto")] public string Dtype { get; init; } = "auto";
    [CommandOption("--packing"), Description("Pack short rows into rows of up to --max-len tokens (--batch-size then counts packed rows).")] public bool Packing { get; init; }
    [CommandOption("--checkpointing <MODE>"), Description("Activation checkpointing per layer: auto (on when memory needs it), on or off."), DefaultValue("auto")] public string Checkpointing { get; init; } = "auto";
    [CommandOption("--memory-limit-gb <GB>"), Description("Peak memory to plan for (default: what the process holds plus 90% of what is available now); a run that cannot fit is refused up front.")] public double? MemoryLimitGb { get; init; }
    [CommandOption("--device <DEVICE>"), Description("cpu or cuda (needs TorchSharp's CUDA backend)."), DefaultValue("cpu")] public string Device { get; init; } = "cpu";
    [CommandOption("--save-every <N>"), Description("Checkpoint every N steps (0: only at the end)."), DefaultValue(50)] public int SaveEvery { get; init; } = 50;
    [CommandOption("--log-every <N>"), DefaultValue(10)] public int LogEvery { get; init; } = 10;
    [CommandOption("--held-out <FRACTION>"), Description("Share of rows held out for a loss check each epoch (max 64)."), DefaultValue(0.05)] public double HeldOut { get; init; } = 0.05;
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
        if (Method is not ("lora" or "full")) return ValidationResult.Error($"--method must be lora or full, not '{Method}'");
        if (Overlong is not ("truncate" or "drop")) return ValidationResult.Error($"--overlong must be truncate or drop, not '{Overlong}'");
        if (Dtype is not ("auto" or "fp32" or "float32" or "bf16" or "bfloat16")) return ValidationResult.Error($"--dtype must be auto, fp32 or bf16, not '{Dtype}'");
        if (Checkpointing is not ("auto" or "on" or "off")) return ValidationResult.Error($"--checkpointing must be auto, on or off, not '{Checkpointing}'");
        if (Merge && Method != "lora") return ValidationResult.Error("--merge applies to LoRA runs (a full run already writes OUT/model)");
        return ValidationResult.Success();
    }
}
