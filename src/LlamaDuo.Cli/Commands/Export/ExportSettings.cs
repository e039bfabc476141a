using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Export;

/// <summary>Options of `llamaduo export`.</summary>
internal sealed class ExportSettings : CommandSettings
{
    [CommandOption("--model <MODEL>")]
    [Description("stories15m, a llama2.c .bin (tokenizer.bin beside it) or a Hugging Face folder.")]
    public string Model { get; init; } = "";

    [CommandOption("--run <DIR>")]
    [Description("A LlamaDuo run folder: export its best round (the student from its config, the round's adapter or weights).")]
    public string? Run { get; init; }

    [CommandOption("--adapter <DIR>")]
    [Description("A PEFT LoRA adapter folder to merge into --model before export (and to copy for --format peft).")]
    public string? Adapter { get; init; }

    [CommandOption("--format <FORMAT>")]
    [Description("Output format: gguf (a file), safetensors (merged Hugging Face folder), peft (the adapter folder), ollama (folder with model.gguf and Modelfile).")]
    [DefaultValue("gguf")]
    public string Format { get; init; } = "gguf";

    [CommandOption("--out <PATH>")]
    [Description("Output file (gguf) or folder (other formats); files are written to a temporary name and renamed, never left half-written.")]
    public string Out { get; init; } = "";

    [CommandOption("--quant <QUANT>")]
    [Description("Storage of weight matrices: f32, f16 (default), bf16, q8_0 (our writer), or a llama.cpp quant made by llama.cpp's own quantizer: q4_0, q4_1, q5_0, q5_1, q2_k, q3_k_s, q3_k_m, q3_k_l, q4_k_s, q4_k_m (Ollama's default), q5_k_s, q5_k_m, q6_k. Any case. Norms and biases stay f32.")]
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
        if (string.IsNullOrWhiteSpace(Model) == string.IsNullOrWhiteSpace(Run)) return ValidationResult.Error("pass exactly one of --model MODEL or --run DIR");
        if (string.IsNullOrWhiteSpace(Out)) return ValidationResult.Error("--out is required");
        return ValidationResult.Success();
    }
}
