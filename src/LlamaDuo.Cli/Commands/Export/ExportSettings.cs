using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Export;

/// <summary>Options of `llamaduo export`.</summary>
public sealed class ExportSettings : CommandSettings
{
    [CommandOption("--model <MODEL>")]
    [Description("stories15m, a llama2.c .bin (tokenizer.bin beside it) or a Hugging Face folder.")]
    public string Model { get; init; } = "";

    [CommandOption("--format <FORMAT>")]
    [Description("Output format: gguf.")]
    [DefaultValue("gguf")]
    public string Format { get; init; } = "gguf";

    [CommandOption("--out <PATH>")]
    [Description("Output file (gguf); written to a temporary file and renamed, so it is never left half-written.")]
    public string Out { get; init; } = "";

    [CommandOption("--quant <QUANT>")]
    [Description("Storage of weight matrices: f32, f16 (default), bf16 or q8_0. Norms and biases stay f32.")]
    [DefaultValue("f16")]
    public string Quant { get; init; } = "f16";

    [CommandOption("--name <NAME>")]
    [Description("Model name stored in the file (general.name); default: the model's file or folder name.")]
    public string? Name { get; init; }

    [CommandOption("--template <NAME>")]
    [Description("Chat template to embed instead of the model's own (chatml, llama3, llama2, mistral, gemma, qwen, plain).")]
    public string? Template { get; init; }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Model)) return ValidationResult.Error("--model is required");
        if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out is required");
        return ValidationResult.Success();
    }
}
