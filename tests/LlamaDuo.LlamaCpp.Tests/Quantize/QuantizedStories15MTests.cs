using System.Diagnostics;
using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Gguf;
using LlamaDuo.LlamaCpp.Tests.Support;
using Xunit.Abstractions;

namespace LlamaDuo.LlamaCpp.Tests.Quantize;

/// <summary>
/// stories15M through llama.cpp's quantizer. Its rows are 288 wide (not whole 256-value k-quant super-blocks), so
/// llama.cpp falls back per tensor: Q4_K to Q5_0, Q5_K to Q5_1, Q6_K to Q8_0; only ffn_down (768-wide rows) keeps real
/// k-quant blocks. The tied embedding doubles as the output tensor and becomes Q8_0.
/// </summary>
[Collection(Stories15MCollection.Name)]
public sealed class QuantizedStories15MTests(Stories15MFixture fixture, ITestOutputHelper output)
{
    static readonly string[] Prompts = ["Once upon a time", "The cat sat on the mat and", "Tom and his dog went to the park. They"];
    const string SharedStart = ", there was a little girl named Lily. She loved to play outside in the sunshine.";

    /// <summary>The type llama.cpp gives each stories15M matrix (6 layers; layers 2 and 5 get "more bits" in the _M mixes).</summary>
    static GgufTensorType Expected(GgufQuant quant, string name)
    {
        if (name == "token_embd.weight") return GgufTensorType.Q8_0;
        bool ffnDown = name.EndsWith(".ffn_down.weight"), moreBits = name.StartsWith("blk.2.") || name.StartsWith("blk.5.");
        return quant switch
        {
            GgufQuant.Q4_0 => GgufTensorType.Q4_0,
            GgufQuant.Q6_K => ffnDown ? GgufTensorType.Q6_K : GgufTensorType.Q8_0,
            GgufQuant.Q4_K_M or GgufQuant.Q5_K_M when ffnDown => moreBits ? GgufTensorType.Q6_K : quant == GgufQuant.Q4_K_M ? GgufTensorType.Q4_K : GgufTensorType.Q5_K,
            GgufQuant.Q4_K_M or GgufQuant.Q5_K_M when moreBits && name.EndsWith(".attn_v.weight") => GgufTensorType.Q8_0,
            GgufQuant.Q4_K_M => GgufTensorType.Q5_0,
            GgufQuant.Q5_K_M => GgufTensorType.Q5_1,
            _ => throw new ArgumentOutOfRangeException(nameof(quant)),
        };
    }

    [Theory]
    // Measured over 168 positions: top-1 142 (q4_0), 155 (q4_k_m), 158 (q5_k_m), 164 (q6_k); mean KL 0.099, 0.024, 0.017, 0.0024.
    [InlineData(GgufQuant.Q4_0, 4.43, 0.25, 0.75)]
    [InlineData(GgufQuant.Q4_K_M, 4.20, 0.08, 0.85)]
    [InlineData(GgufQuant.Q5_K_M, 4.09, 0.06, 0.85)]
    [InlineData(GgufQuant.Q6_K, 3.71, 0.015, 0.93)]
    public void Quantized_file_has_llama_cpps_types_shrinks_and_follows_the_f32_model(GgufQuant quant, double ratio, double maxMeanKl, double minTop1)
    {
        var f32Path = fixture.GgufPath(GgufQuant.F32);
        var clock = Stopwatch.StartNew();
        var path = fixture.GgufPath(quant);
        var seconds = clock.Elapsed.TotalSeconds;

        var file = GgufReader.Read(path);
        Assert.Equal(quant.FileType(), file.Metadata["general.file_type"]);
        foreach (var t in file.Tensors)
        {
            var expected = t.Dimensions.Length == 1 ? GgufTensorType.F32 : Expected(quant, t.Name);
            Assert.True(expected == t.Type, $"{quant.Name()}: {t.Name} is {t.Type}, expected {expected}");
        }
        long f32Size = new FileInfo(f32Path).Length, size = new FileInfo(path).Length;
        Assert.InRange((double)f32Size / size, ratio * 0.97, ratio * 1.03);

        // Teacher-forced on the f32 model's own greedy stories: every position of prompt + 48 tokens.
        LogitAgreement? agreement = null;
        using (var f32 = LlamaCppModel.Load(f32Path))
        using (var quantized = LlamaCppModel.Load(path))
        using (var generator = new LlamaCppGenerator(f32, contextLength: 256))
            foreach (var prompt in Prompts)
            {
                var tokens = f32.Tokenize(prompt, addBos: true);
                var story = tokens.Concat(generator.Generate([tokens], new LlamaCppRequest(48, new LlamaCppSampling()))[0].Tokens).ToArray();
                var a = LogitAgreement.Measure(f32.EvaluateLogits(story), quantized.EvaluateLogits(story));
                agreement = agreement is null ? a : agreement.Plus(a);
            }
        output.WriteLine($"{quant.Name()}: {size} bytes, f32 {f32Size} ({(double)f32Size / size:F2}x smaller), export+quantize {seconds:F2} s, {agreement}");
        Assert.True(agreement!.MeanKl < maxMeanKl, $"{quant.Name()}: {agreement}");
        Assert.True(agreement.Top1Rate >= minTop1, $"{quant.Name()}: {agreement}");
    }

    [Fact]
    public void Q4_k_m_greedy_story_starts_like_the_f32_one()
    {
        string Greedy(GgufQuant quant)
        {
            using var model = LlamaCppModel.Load(fixture.GgufPath(quant));
            using var generator = new LlamaCppGenerator(model, contextLength: 256);
            return generator.Generate([model.Tokenize("Once upon a time", addBos: true)], new LlamaCppRequest(40, new LlamaCppSampling()))[0].Text;
        }
        string f32 = Greedy(GgufQuant.F32), q4 = Greedy(GgufQuant.Q4_K_M);
        output.WriteLine($"f32:    {f32}\nq4_k_m: {q4}\nequal: {f32 == q4}");
        Assert.StartsWith(SharedStart, q4);
    }
}
