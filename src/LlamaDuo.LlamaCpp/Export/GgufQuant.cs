using LLama.Native;
using LlamaDuo.Core.Errors;
using LlamaDuo.LlamaCpp.Gguf;

namespace LlamaDuo.LlamaCpp.Export;

/// <summary>
/// How the 2-D weight matrices of an exported model are stored; norms and biases always stay fp32. F32, F16, BF16 and
/// Q8_0 are written by our own GGUF writer; the others (legacy and k-quants) by llama.cpp's quantizer from an F32
/// file we write first (see <see cref="Quantize.LlamaCppQuantizer"/>).
/// </summary>
public enum GgufQuant
{
    F32,
    F16,
    BF16,
    Q8_0,
    Q4_0,
    Q4_1,
    Q5_0,
    Q5_1,
    Q2_K,
    Q3_K_S,
    Q3_K_M,
    Q3_K_L,
    Q4_K_S,
    Q4_K_M,
    Q5_K_S,
    Q5_K_M,
    Q6_K,
}

/// <summary>Parsing and naming of <see cref="GgufQuant"/> values as the CLI spells them ("f16", "q8_0", "q4_k_m", ...).</summary>
public static class GgufQuants
{
    /// <summary>Names in <see cref="GgufQuant"/> order, as llama-quantize and Ollama spell them (matched case-insensitively).</summary>
    public static readonly IReadOnlyList<string> Names =
        ["f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k_s", "q3_k_m", "q3_k_l", "q4_k_s", "q4_k_m", "q5_k_s", "q5_k_m", "q6_k"];

    /// <summary>The quant named <paramref name="text"/> (any case), or an input error naming --quant and the valid names.</summary>
    public static GgufQuant Parse(string text)
    {
        int index = Names.ToList().FindIndex(n => n.Equals(text, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? (GgufQuant)index
            : throw new InputException($"unknown GGUF quant; use one of {string.Join(", ", Names)}", field: "--quant", value: text);
    }

    public static string Name(this GgufQuant quant) => Names[(int)quant];

    /// <summary>True for the quants llama.cpp's quantizer writes (everything but f32, f16, bf16, q8_0).</summary>
    public static bool ByLlamaCpp(this GgufQuant quant) => quant > GgufQuant.Q8_0;

    /// <summary>
    /// What our own writer stores for <paramref name="quant"/>: the quant itself, or F32 as llama.cpp's quantizer
    /// input for the others (lossless for fp32 and bf16 weights; docs/gguf.md has the f32-vs-f16 measurement).
    /// </summary>
    public static GgufQuant WrittenByUs(this GgufQuant quant) => quant.ByLlamaCpp() ? GgufQuant.F32 : quant;

    /// <summary>The tensor type of our writer's 2-D weights; only for the quants it writes itself.</summary>
    public static GgufTensorType TensorType(this GgufQuant quant) => quant switch
    {
        GgufQuant.F32 => GgufTensorType.F32,
        GgufQuant.F16 => GgufTensorType.F16,
        GgufQuant.BF16 => GgufTensorType.BF16,
        GgufQuant.Q8_0 => GgufTensorType.Q8_0,
        _ => throw new ArgumentOutOfRangeException(nameof(quant), quant, "written by llama.cpp's quantizer, not by our GGUF writer"),
    };

    /// <summary>llama.cpp's "general.file_type" number (its llama_ftype) for a model stored mostly in this quant.</summary>
    public static uint FileType(this GgufQuant quant) => (uint)Ftype(quant);

    internal static LLamaFtype Ftype(GgufQuant quant) => quant switch
    {
        GgufQuant.F32 => LLamaFtype.ALL_F32,
        GgufQuant.F16 => LLamaFtype.MOSTLY_F16,
        GgufQuant.BF16 => LLamaFtype.MOSTLY_BF16,
        GgufQuant.Q8_0 => LLamaFtype.MOSTLY_Q8_0,
        GgufQuant.Q4_0 => LLamaFtype.MOSTLY_Q4_0,
        GgufQuant.Q4_1 => LLamaFtype.MOSTLY_Q4_1,
        GgufQuant.Q5_0 => LLamaFtype.MOSTLY_Q5_0,
        GgufQuant.Q5_1 => LLamaFtype.MOSTLY_Q5_1,
        GgufQuant.Q2_K => LLamaFtype.MOSTLY_Q2_K,
        GgufQuant.Q3_K_S => LLamaFtype.MOSTLY_Q3_K_S,
        GgufQuant.Q3_K_M => LLamaFtype.MOSTLY_Q3_K_M,
        GgufQuant.Q3_K_L => LLamaFtype.MOSTLY_Q3_K_L,
        GgufQuant.Q4_K_S => LLamaFtype.MOSTLY_Q4_K_S,
        GgufQuant.Q4_K_M => LLamaFtype.MOSTLY_Q4_K_M,
        GgufQuant.Q5_K_S => LLamaFtype.MOSTLY_Q5_K_S,
        GgufQuant.Q5_K_M => LLamaFtype.MOSTLY_Q5_K_M,
        GgufQuant.Q6_K => LLamaFtype.MOSTLY_Q6_K,
        _ => throw new ArgumentOutOfRangeException(nameof(quant), quant, null),
    };
}
