using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.Models.Templates;
using LlamaDuo.Pipeline.Cost;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Export;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Judge;
using LlamaDuo.Torch.Lora;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Stage "export" (after the last round): the best round's weights merged into the base and written as the formats
/// export.formats names: a Hugging Face folder (export/hf), GGUF with tokenizer and chat template (export/model.gguf),
/// an Ollama Modelfile whose TEMPLATE and stop parameters match training, and the PEFT adapter (export/adapter).
/// Then the parity gate: the test split is answered again by the GGUF on llama.cpp (timed: export/throughput.json) and judged; the export fails when
/// the mean score moves by more than export.parity_tolerance points.
/// </summary>
public static class ExportStage
{
    public static async Task<string?> RunAsync(LoopContext ctx, int round, TrainedWeights weights, IReadOnlyList<CoverageRow> test,
        JudgeRunResult before, CancellationToken ct)
    {
        var dir = ctx.Folder.ExportDir;
        var gguf = Path.Combine(dir, "model.gguf");
        var formats = ctx.Config.Export.Formats;
        await ctx.StageAsync(round, "export", async () =>
        {
            Directory.CreateDirectory(dir);
            var outputs = new List<string>();
            IChatTemplate template;
            using (var student = StudentLoader.Trained(ctx.Config, weights))
            {
                template = student.Template;
                if (weights.AdapterDir is not null) LoraModel.Merge(student.Module);
                string quant = ctx.Config.Export.Quant, name = ctx.Config.Task.Name;
                if (formats.Contains("peft") && weights.AdapterDir is { } adapter)
                    outputs.Add(ModelExport.Write(student, "peft", Path.Combine(dir, "adapter"), quant, name, adapter));
                if (formats.Contains("safetensors"))
                    outputs.Add(ModelExport.Write(student, "safetensors", Path.Combine(dir, "hf"), quant, name, null));
                if (formats.Contains("gguf") || formats.Contains("ollama"))
                    outputs.Add(ModelExport.Write(student, "gguf", gguf, quant, name, null));
                if (formats.Contains("ollama"))
                {
                    var modelfile = Path.Combine(dir, "Modelfile");
                    AtomicFile.WriteAllText(modelfile, ModelExport.Modelfile(student, "./model.gguf"));
                    outputs.Add(modelfile);
                }
            }
            ctx.Say(round, "export", $"wrote {string.Join(", ", outputs.Select(o => Path.GetRelativePath(ctx.Folder.Root, o)))}");
            if (File.Exists(gguf)) await ParityAsync(ctx, round, gguf, template, test, before, ct);
            return outputs;
        });
        return File.Exists(gguf) ? gguf : null;
    }

    static async Task ParityAsync(LoopContext ctx, int round, string gguf, IChatTemplate template, IReadOnlyList<CoverageRow> test, JudgeRunResult before, CancellationToken ct)
    {
        List<Generation> generations;
        // The parity answers are timed too: export/throughput.json is the student's measured cost per request (docs/cost.md).
        using (var engine = LlamaCppChatClient.Open(gguf, template))
        {
            (var throughput, generations) = await StudentThroughput.MeasureAsync(engine, Path.GetRelativePath(ctx.Folder.Root, gguf), test,
                ctx.Config.Inference, round, "export stage's parity check", ct);
            throughput.Write(ctx.Folder);
        }
        var after = await JudgeStage.ScoreAsync(ctx, test, generations, ct);
        double dSim = after.Similarity.Mean - before.Similarity.Mean, dPrec = after.Precision.Mean - before.Precision.Mean;
        var tolerance = ctx.Config.Export.ParityTolerance;
        var report = $"parity on llama.cpp: similarity {after.Similarity.Mean:0.0} ({dSim:+0.0;-0.0}), precision {after.Precision.Mean:0.0} ({dPrec:+0.0;-0.0}), tolerance {tolerance}";
        AtomicFile.WriteAllText(Path.Combine(ctx.Folder.ExportDir, "parity.txt"), report + "\n");
        ctx.Say(round, "export", report);
        if (Math.Abs(dSim) > tolerance || Math.Abs(dPrec) > tolerance)
            throw new ExportParityException(report);
    }
}

/// <summary>The exported model scores differently from the trained one by more than the configured tolerance.</summary>
public sealed class ExportParityException(string message) : Exception(message);
