using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Gguf;
using LlamaDuo.LlamaCpp.Tests.Support;
using LlamaDuo.Models.Model;
using Xunit.Abstractions;

namespace LlamaDuo.LlamaCpp.Tests.Quantize;

/// <summary>
/// A random Llama 256 wide (FFN 512, vocab 512), so every matrix row is whole 256-value k-quant super-blocks and
/// llama.cpp's quantizer uses real Q4_K/Q5_K/Q6_K blocks rather than the fallbacks stories15M (288 wide) gets.
/// </summary>
public sealed class QuantizedTinyLlamaTests(ITestOutputHelper output) : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llamaduo-quant-").FullName;

    static readonly LlamaConfig Config = new()
    {
        ModelType = "llama", HiddenSize = 256, IntermediateSize = 512, NumHiddenLayers = 2, NumAttentionHeads = 4,
        NumKeyValueHeads = 2, VocabSize = 512, MaxPositionEmbeddings = 128, RmsNormEps = 1e-5,
    };

    static readonly int[] Tokens = [1, 300, 17, 42, 260, 99, 5, 311, 64, 270, 128, 3, 290, 77, 201, 150, 33, 280, 12, 305, 480, 411, 7, 399];

    string Export(TinyLlama model, GgufQuant quant, string? file = null)
    {
        var path = Path.Combine(_dir, file ?? $"tiny-{quant.Name()}.gguf");
        LlamaGgufConverter.Export(path, model.Config, "tiny", SyntheticVocabulary.Llama(Config.VocabSize), model.NamedWeights, quant);
        return path;
    }

    /// <summary>
    /// llama.cpp's mix: the main type everywhere, except output.weight in Q6_K and, for the _M variants, attn_v and
    /// ffn_down of the "more bits" layers (here the last of two) in Q6_K. Measured KL(f32 || quant), mean over 24
    /// positions: q4_0 0.28, q4_k_m 0.22, q5_k_m 0.067, q6_k 0.017 (random Gaussian weights: the hard case).
    /// </summary>
    [Theory]
    [InlineData(GgufQuant.Q4_0, GgufTensorType.Q4_0, false, 6.70, 0.5)]
    [InlineData(GgufQuant.Q4_K_M, GgufTensorType.Q4_K, true, 6.39, 0.4)]
    [InlineData(GgufQuant.Q5_K_M, GgufTensorType.Q5_K, true, 5.52, 0.15)]
    [InlineData(GgufQuant.Q6_K, GgufTensorType.Q6_K, false, 4.82, 0.04)]
    public void Whole_k_quant_blocks_are_used_the_file_shrinks_and_logits_stay_close_to_f32(
        GgufQuant quant, GgufTensorType main, bool moreBitsLayers, double ratio, double maxMeanKl)
    {
        var model = TinyLlama.Random(Config, seed: 11);
        var f32Path = Export(model, GgufQuant.F32);
        var path = Export(model, quant);

        var file = GgufReader.Read(path);
        Assert.Equal(quant.FileType(), file.Metadata["general.file_type"]);
        foreach (var t in file.Tensors)
        {
            var expected = t.Dimensions.Length == 1 ? GgufTensorType.F32
                : t.Name == "output.weight" ? GgufTensorType.Q6_K
                : moreBitsLayers && t.Name is "blk.1.attn_v.weight" or "blk.1.ffn_down.weight" ? GgufTensorType.Q6_K
                : main;
            Assert.True(expected == t.Type, $"{quant.Name()}: {t.Name} is {t.Type}, expected {expected}");
        }
        long f32Size = new FileInfo(f32Path).Length, size = new FileInfo(path).Length;
        Assert.Equal(file.Tensors[^1].FileOffset + GgufEncoding.ByteSize(file.Tensors[^1].Type, (long)file.Tensors[^1].Dimensions.Aggregate(1UL, (a, b) => a * b)), size, tolerance: 32);
        Assert.InRange((double)f32Size / size, ratio * 0.97, ratio * 1.03);

        float[][] reference, actual;
        using (var f32 = LlamaCppModel.Load(f32Path)) reference = f32.EvaluateLogits(Tokens);
        using (var quantized = LlamaCppModel.Load(path)) actual = quantized.EvaluateLogits(Tokens);
        var agreement = LogitAgreement.Measure(reference, actual);
        output.WriteLine($"{quant.Name()}: {size} bytes vs f32 {f32Size} ({(double)f32Size / size:F2}x), {agreement}");
        Assert.True(agreement.MeanKl < maxMeanKl, $"{quant.Name()}: {agreement}");
    }

    [Fact]
    public void Another_random_model_is_far_from_f32_so_the_kl_bounds_mean_something()
    {
        float[][] reference, other;
        using (var f32 = LlamaCppModel.Load(Export(TinyLlama.Random(Config, seed: 11), GgufQuant.F32))) reference = f32.EvaluateLogits(Tokens);
        using (var f32 = LlamaCppModel.Load(Export(TinyLlama.Random(Config, seed: 12), GgufQuant.F32, "other.gguf"))) other = f32.EvaluateLogits(Tokens);
        var agreement = LogitAgreement.Measure(reference, other);
        output.WriteLine($"unrelated model: {agreement}");
        Assert.True(agreement.MeanKl > 2, agreement.ToString());
    }

    [Fact]
    public void A_failure_inside_llama_cpps_quantizer_leaves_the_old_target_and_no_temporary_files()
    {
        var model = TinyLlama.Random(Config, seed: 11);
        // A NaN in the last layer's ffn_down: llama.cpp has opened its output and written the header and the earlier
        // tensors when it rejects that tensor ("tensor 'blk.1.ffn_down.weight' has invalid data").
        model["model.layers.1.mlp.down_proj.weight"][5] = float.NaN;
        var target = Path.Combine(_dir, "model.gguf");
        File.WriteAllText(target, "the previous export");

        var error = Assert.ThrowsAny<Exception>(() => Export(model, GgufQuant.Q4_K_M, "model.gguf"));
        output.WriteLine(error.Message);
        Assert.Contains("q4_k_m", error.Message);
        Assert.Equal("the previous export", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFiles(_dir));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
