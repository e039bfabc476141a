using LlamaDuo.Core.Errors;
using LlamaDuo.LlamaCpp.Gguf;

namespace LlamaDuo.LlamaCpp.Export;

/// <summary>How the 2-D weight matrices of an exported model are stored; norms and biases always stay fp32.</summary>
public enum GgufQuant
{
    F32,
    F16,
    BF16,
    Q8_0,
}

/// <summary>Parsing and naming of <see cref="GgufQuant"/> values as the CLI spells them ("f16", "q8_0", ...).</summary>
public static class GgufQuants
{
    public static readonly IReadOnlyList<string> Names = ["f32", "f16", "bf16", "q8_0"];

    public static GgufQuant Parse(string text) => text.ToLowerInvariant() switch
    {
        "f32" => GgufQuant.F32,
        "f16" => GgufQuant.F16,
        "bf16" => GgufQuant.BF16,
        "q8_0" => GgufQuant.Q8_0,
        _ => throw new InputException($"unknown GGUF quant; use one of {string.Join(", ", Names)}", field: "--quant", value: text),
    };

    public static string Name(this GgufQuant quant) => Names[(int)quant];

    public static GgufTensorType TensorType(this GgufQuant quant) => quant switch
    {
        GgufQuant.F32 => GgufTensorType.F32,
        GgufQuant.F16 => GgufTensorType.F16,
        GgufQuant.BF16 => GgufTensorType.BF16,
        _ => GgufTensorType.Q8_0,
    };

    /// <summary>llama.cpp's "general.file_type" number for a model stored mostly in this quant.</summary>
    public static uint FileType(this GgufQuant quant) => quant switch
    {
        GgufQuant.F32 => 0,
        GgufQuant.F16 => 1,
        GgufQuant.Q8_0 => 7,
        _ => 32, // BF16
    };
}
