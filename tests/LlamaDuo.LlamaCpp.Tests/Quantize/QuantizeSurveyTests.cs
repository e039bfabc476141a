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
/// logit agreement over three prompts, greedy text, time to quantize), and f32 versus f16 as the quantizer's input.
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
        float[][][] reference;
        string f32Text;
        using (var f32 = LlamaCppModel.Load(f32Path))
        {
            reference = Prompts.Select(p => f32.EvaluateLogits(f32.Tokenize(p, addBos: true))).ToArray();
            f32Text = Greedy(f32);
        }
        long f32Size = new FileInfo(f32Path).Length;
        output.WriteLine($"f32 {f32Size} bytes; greedy: {f32Text}");
        foreach (var quant in Enum.GetValues<GgufQuant>().Where(q => q != GgufQuant.F32))
        {
            var clock = Stopwatch.StartNew();
            var path = fixture.GgufPath(quant);
            double seconds = clock.Elapsed.TotalSeconds;
            Report(quant.Name(), path, f32Size, reference, f32Text, seconds);
        }
        // f16 as the quantizer's input instead of f32.
        foreach (var quant in new[] { GgufQuant.Q4_0, GgufQuant.Q4_K_M, GgufQuant.Q6_K })
        {
            var path = Path.Combine(Path.GetDirectoryName(f32Path)!, $"from-f16-{quant.Name()}.gguf");
            var clock = Stopwatch.StartNew();
            LlamaCppQuantizer.Quantize(fixture.GgufPath(GgufQuant.F16), path, quant);
            Report(quant.Name() + " from f16", path, f32Size, reference, f32Text, clock.Elapsed.TotalSeconds);
        }
    }

    void Report(string label, string path, long f32Size, float[][][] reference, string f32Text, double seconds)
    {
        var file = GgufReader.Read(path);
        var types = file.Tensors.Where(t => t.Dimensions.Length > 1).GroupBy(t => t.Type)
            .Select(g => $"{g.Key} x{g.Count()}[{string.Join(",", g.Select(t => t.Name.Replace(".weight", "")).Where(n => !n.StartsWith("blk.") || n.StartsWith("blk.0.") || n.StartsWith("blk.5.")).Take(12))}]");
        using var model = LlamaCppModel.Load(path);
        LogitAgreement? agreement = null;
        for (int i = 0; i < Prompts.Length; i++)
        {
            var a = LogitAgreement.Measure(reference[i], model.EvaluateLogits(model.Tokenize(Prompts[i], addBos: true)));
            agreement = agreement is null ? a : agreement.Plus(a);
        }
        var text = Greedy(model);
        long size = new FileInfo(path).Length;
        output.WriteLine($"{label}: file_type {file.Metadata["general.file_type"]}, {size} bytes ({(double)f32Size / size:F2}x smaller), {seconds:F2} s, {agreement}, greedy {(text == f32Text ? "SAME" : "DIFFERENT")}: {text}");
        output.WriteLine("   " + string.Join("; ", types));
    }

    static string Greedy(LlamaCppModel model)
    {
        using var generator = new LlamaCppGenerator(model, contextLength: 256);
        return generator.Generate([model.Tokenize("Once upon a time", addBos: true)], new LlamaCppRequest(40, new LlamaCppSampling()))[0].Text;
    }
}
