using System.Diagnostics;
using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Gguf;
using LlamaDuo.LlamaCpp.Quantize;
using LlamaDuo.LlamaCpp.Tests.Support;
using Xunit.Abstractions;

namespace LlamaDuo.LlamaCpp.Tests.Quantize;

/// <summary>
/// The figures behind docs/gguf.md's quant table: every quant of stories15M against its f32 file (size, tensor types,
/// logit agreement teacher-forced on the f32 model's greedy stories, greedy text, time), and f32 versus f16 as the
/// quantizer's input. Prints only; the asserting tests are QuantizedStories15MTests and QuantizedTinyLlamaTests.
/// </summary>
[Collection(Stories15MCollection.Name)]
[Trait("Category", "Bench")]
public sealed class QuantizeSurveyTests(Stories15MFixture fixture, ITestOutputHelper output)
{
    static readonly string[] Prompts = ["Once upon a time", "The cat sat on the mat and", "Tom and his dog went to the park. They"];

    [Fact]
    public void Every_quant_of_stories15m_against_f32()
    {
        var f32Path = fixture.GgufPath(GgufQuant.F32);
        var dir = Path.GetDirectoryName(f32Path)!;
        using var f32 = LlamaCppModel.Load(f32Path);
        var stories = Stories(f32);
        var reference = stories.Select(f32.EvaluateLogits).ToArray();
        var f32Text = Greedy(f32);
        long f32Size = new FileInfo(f32Path).Length;
        output.WriteLine($"f32 {f32Size} bytes, {stories.Sum(s => s.Length)} positions; greedy: {f32Text}");
        foreach (var quant in Enum.GetValues<GgufQuant>().Where(q => q != GgufQuant.F32))
        {
            var clock = Stopwatch.StartNew();
            var path = fixture.GgufPath(quant);
            double export = clock.Elapsed.TotalSeconds, quantize = 0;
            if (quant.ByLlamaCpp())
            {
                clock.Restart();
                LlamaCppQuantizer.Quantize(f32Path, Path.Combine(dir, "again.gguf"), quant);
                quantize = clock.Elapsed.TotalSeconds;
            }
            Report($"{quant.Name()} (export {export:F2} s, quantize alone {quantize:F2} s)", path, f32Size, stories, reference, f32Text);
        }
        foreach (var quant in new[] { GgufQuant.Q4_0, GgufQuant.Q4_K_M, GgufQuant.Q5_K_M, GgufQuant.Q6_K })
        {
            var path = Path.Combine(dir, $"from-f16-{quant.Name()}.gguf");
            LlamaCppQuantizer.Quantize(fixture.GgufPath(GgufQuant.F16), path, quant);
            Report(quant.Name() + " from f16", path, f32Size, stories, reference, f32Text);
        }
    }

    static int[][] Stories(LlamaCppModel f32)
    {
        using var generator = new LlamaCppGenerator(f32, contextLength: 256);
        return Prompts.Select(p => f32.Tokenize(p, addBos: true))
            .Select(t => t.Concat(generator.Generate([t], new LlamaCppRequest(48, new LlamaCppSampling()))[0].Tokens).ToArray()).ToArray();
    }

    void Report(string label, string path, long f32Size, int[][] stories, float[][][] reference, string f32Text)
    {
        var file = GgufReader.Read(path);
        var types = file.Tensors.Where(t => t.Dimensions.Length > 1).GroupBy(t => t.Type).Select(g => $"{g.Count()} {g.Key}");
        using var model = LlamaCppModel.Load(path);
        var agreement = stories.Select((s, i) => LogitAgreement.Measure(reference[i], model.EvaluateLogits(s))).Aggregate((a, b) => a.Plus(b));
        var text = Greedy(model);
        long size = new FileInfo(path).Length;
        output.WriteLine($"{label}: file_type {file.Metadata["general.file_type"]}, {size} bytes ({(double)f32Size / size:F2}x smaller), " +
            $"{string.Join(", ", types)}; {agreement}; greedy {(text == f32Text ? "SAME" : "DIFFERENT: " + text)}");
    }

    static string Greedy(LlamaCppModel model)
    {
        using var generator = new LlamaCppGenerator(model, contextLength: 256);
        return generator.Generate([model.Tokenize("Once upon a time", addBos: true)], new LlamaCppRequest(40, new LlamaCppSampling()))[0].Text;
    }
}
