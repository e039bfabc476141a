using LLama.Native;
using LlamaDuo.Core.Errors;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Gguf;

namespace LlamaDuo.LlamaCpp.Tests.Quantize;

/// <summary>Quant names as users type them, and what each name means for our writer and llama.cpp's quantizer.</summary>
public sealed class GgufQuantsTests
{
    [Theory]
    [InlineData("q4_k_m", GgufQuant.Q4_K_M)]
    [InlineData("Q4_K_M", GgufQuant.Q4_K_M)]   // llama-quantize's spelling
    [InlineData("q4_K_M", GgufQuant.Q4_K_M)]   // Ollama's spelling
    [InlineData("q6_K", GgufQuant.Q6_K)]
    [InlineData("Q8_0", GgufQuant.Q8_0)]
    [InlineData("F16", GgufQuant.F16)]
    public void Names_parse_in_any_case(string text, GgufQuant expected) => Assert.Equal(expected, GgufQuants.Parse(text));

    [Fact]
    public void An_unknown_quant_is_an_input_error_naming_the_option_and_the_valid_values()
    {
        var error = Assert.Throws<InputException>(() => GgufQuants.Parse("q4_k"));
        Assert.Equal("--quant", error.Field);
        Assert.Equal("q4_k", error.Value);
        Assert.Contains("q4_k_m", error.Message);
        Assert.Contains("f16", error.Message);
    }

    [Fact]
    public void Every_name_round_trips_and_file_types_are_llama_cpps()
    {
        foreach (var quant in Enum.GetValues<GgufQuant>()) Assert.Equal(quant, GgufQuants.Parse(quant.Name()));
        Assert.Equal(Enum.GetValues<GgufQuant>().Length, GgufQuants.Names.Count);
        // llama.h numbers: the file type llama.cpp writes into general.file_type, which our own writer must match.
        Assert.Equal(0u, GgufQuant.F32.FileType());
        Assert.Equal(7u, GgufQuant.Q8_0.FileType());
        Assert.Equal(32u, GgufQuant.BF16.FileType());
        Assert.Equal(15u, GgufQuant.Q4_K_M.FileType());
        Assert.Equal((uint)LLamaFtype.MOSTLY_Q6_K, GgufQuant.Q6_K.FileType());
    }

    [Fact]
    public void Our_writer_makes_f32_f16_bf16_q8_0_and_feeds_llama_cpp_f32_for_the_rest()
    {
        Assert.Equal([GgufQuant.F32, GgufQuant.F16, GgufQuant.BF16, GgufQuant.Q8_0],
            Enum.GetValues<GgufQuant>().Where(q => !q.ByLlamaCpp()));
        Assert.Equal(GgufQuant.F32, GgufQuant.Q4_K_M.WrittenByUs());
        Assert.Equal(GgufQuant.Q8_0, GgufQuant.Q8_0.WrittenByUs());
        Assert.Equal(GgufTensorType.Q8_0, GgufQuant.Q8_0.TensorType());
        Assert.Throws<ArgumentOutOfRangeException>(() => GgufQuant.Q4_K_M.TensorType());
    }
}
