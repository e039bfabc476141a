using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.Models.Templates;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Cost;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Export;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Stage "export" (after the last round): the best round's (<see cref="BestRound"/>) weights merged into the base and
/// written in the formats export.formats names, from the <see cref="ModelExport"/> registry: a Hugging Face folder
/// (export/hf), GGUF with tokenizer and chat template (export/model.gguf), an Ollama Modelfile whose TEMPLATE and stop
/// parameters match training, and the PEFT adapter (export/adapter). Then the parity gate: the test split is answered
/// again by the GGUF on llama.cpp (timed: export/throughput.json) and judged; the export fails when a mean score moves
/// by more than export.parity_tolerance points from the best round's.
/// </summary>
internal static class ExportStage
{
    /// <summary>Runs the export as stage <paramref name="stageRound"/> (where run.db records it) for round <paramref name="best"/>.</summary>
    public static async Task<string?> RunAsync(LoopContext ctx, int stageRound, RoundMetrics best, IReadOnlyList<CoverageRow> test, CancellationToken ct)
    {
        var dir = ctx.Folder.ExportDir;
        var gguf = Path.Combine(dir, "model.gguf");
        await ctx.StageAsync(stageRound, LoopStage.Export, async () =>
        {
            Directory.CreateDirectory(dir);
            var weights = TrainedWeights.Read(ctx.Folder, best.Round);
            var outputs = new List<string>();
            IChatTemplate template;
            using (var student = StudentLoader.Merged(ctx.Config, weights))
            {
                template = student.Template;
                foreach (var format in Formats(ctx.Config.Export, weights))
                    outputs.AddRange(ModelExport.Write(student, format,
                        new ExportRequest(Path.Combine(dir, format.InRunExport), ctx.Config.Export.Quant, ctx.Config.Task.Name, weights.AdapterDir)));
            }
            ctx.Say(stageRound, LoopStage.Export, $"wrote {string.Join(", ", outputs.Select(o => Path.GetRelativePath(ctx.Folder.Root, o)))}");
            if (File.Exists(gguf)) await ParityAsync(ctx, stageRound, gguf, template, test, best, ct);
            return outputs;
        });
        return File.Exists(gguf) ? gguf : null;
    }

    /// <summary>
    /// The registry's formats that export.formats names, in registry order. Without a LoRA adapter (full fine-tuning)
    /// there is no peft folder to copy; ollama writes export/model.gguf itself, so gguf beside it is not written twice.
    /// </summary>
    static IEnumerable<ExportFormat> Formats(ExportOptions export, TrainedWeights weights) =>
        ModelExport.All.Where(f => export.Formats.Contains(f.Name, StringComparer.OrdinalIgnoreCase))
            .Where(f => f != ModelExport.Peft || weights.AdapterDir is not null)
            .Where(f => f != ModelExport.Gguf || !export.Formats.Contains(ModelExport.Ollama.Name, StringComparer.OrdinalIgnoreCase));

    static async Task ParityAsync(LoopContext ctx, int round, string gguf, IChatTemplate template, IReadOnlyList<CoverageRow> test, RoundMetrics before, CancellationToken ct)
    {
        List<Generation> generations;
        // The parity answers are timed too: export/throughput.json is the student's measured cost per request (docs/cost.md).
        using (var engine = LlamaCppChatClient.Open(gguf, template))
        {
            (var throughput, generations) = await StudentThroughput.MeasureAsync(engine, Path.GetRelativePath(ctx.Folder.Root, gguf), test,
                ctx.Config.Inference, round, "export stage's parity check", ct);
            throughput.Write(ctx.Folder);
        }
        var after = await GenerationJudge.ScoreAsync(ctx, ctx.Service, test, generations, null, ct);
        double dSim = after.Similarity.Mean - before.Similarity!.Mean, dPrec = after.Precision.Mean - before.Precision!.Mean;
        var tolerance = ctx.Config.Export.ParityTolerance;
        var report = $"parity on llama.cpp: similarity {after.Similarity.Mean:0.0} ({dSim:+0.0;-0.0}), precision {after.Precision.Mean:0.0} ({dPrec:+0.0;-0.0}), tolerance {tolerance}";
        AtomicFile.WriteAllText(Path.Combine(ctx.Folder.ExportDir, "parity.txt"), report + "\n");
        ctx.Say(round, LoopStage.Export, report);
        if (Math.Abs(dSim) > tolerance || Math.Abs(dPrec) > tolerance)
            throw new ExportParityException(report);
    }
}

/// <summary>The exported model scores differently from the trained one by more than the configured tolerance.</summary>
internal sealed class ExportParityException(string message) : Exception(message);
