using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Models;

/// <summary>Options of `llamaduo generate`.</summary>
internal sealed class GenerateSettings : CommandSettings
{
    [CommandOption("--model <MODEL>")]
    [Description("stories15m, a llama2.c .bin, a Hugging Face folder (torch), or a .gguf file (llamacpp).")]
    public string Model { get; init; } = "";

    [CommandOption("--prompt <TEXT>")]
    [Description("Prompt text; rendered with the model's chat template (plain text for stories15M).")]
    public string Prompt { get; init; } = "";

    [CommandOption("--max-tokens <N>")]
    [Description("Most tokens to generate (default 256, capped by the context).")]
    [DefaultValue(256)]
    public int MaxTokens { get; init; } = 256;

    [CommandOption("--temperature <T>")]
    [Description("Sampling temperature; 0 is greedy (default 0).")]
    [DefaultValue(0f)]
    public float Temperature { get; init; }

    [CommandOption("--top-p <P>")]
    [Description("Nucleus sampling mass in (0, 1]] (default 1: off).")]
    [DefaultValue(1f)]
    public float TopP { get; init; } = 1f;

    [CommandOption("--top-k <K>")]
    [Description("Keep the K most likely tokens (default 0: off).")]
    [DefaultValue(0)]
    public int TopK { get; init; }

    [CommandOption("--seed <S>")]
    [Description("Random seed for sampling.")]
    public long? Seed { get; init; }

    [CommandOption("--engine <ENGINE>")]
    [Description("torch (default) or llamacpp.")]
    [DefaultValue("torch")]
    public string Engine { get; init; } = "torch";

    [CommandOption("--adapter <DIR>")]
    [Description("LoRA adapter folder (PEFT layout) to apply.")]
    public string? Adapter { get; init; }

    [CommandOption("--dtype <DTYPE>")]
    [Description("Weights on the torch engine: float32 (default) or bfloat16.")]
    [DefaultValue("float32")]
    public string DType { get; init; } = "float32";

    [CommandOption("--template <NAME>")]
    [Description("Chat template to use instead of the model's own (chatml, llama3, llama2, mistral, gemma, qwen, plain).")]
    public string? Template { get; init; }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Model)) return ValidationResult.Error("--model is required");
        if (string.IsNullOrEmpty(Prompt)) return ValidationResult.Error("--prompt is required");
        if (MaxTokens < 1) return ValidationResult.Error($"--max-tokens must be at least 1, not {MaxTokens}");
        if (Temperature < 0 || float.IsNaN(Temperature)) return ValidationResult.Error($"--temperature must be 0 or more, not {Temperature}");
        if (TopP is <= 0 or > 1) return ValidationResult.Error($"--top-p must be in (0, 1], not {TopP}");
        if (TopK < 0) return ValidationResult.Error($"--top-k must be 0 or more, not {TopK}");
        if (Engine is not ("torch" or "llamacpp")) return ValidationResult.Error($"--engine must be torch or llamacpp, not '{Engine}'");
        if (DType is not ("float32" or "bfloat16")) return ValidationResult.Error($"--dtype must be float32 or bfloat16, not '{DType}'");
        return ValidationResult.Success();
    }
}
