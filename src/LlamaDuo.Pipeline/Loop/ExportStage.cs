using System.Text;
using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Judge;
using LlamaDuo.Torch.Loading;
using LlamaDuo.Torch.Lora;
using LlamaDuo.Torch.Templates;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Stage "export" (after the last round): the best round's weights merged into the base and written as the formats
/// export.formats names: a Hugging Face folder (export/hf), GGUF with tokenizer and chat template (export/model.gguf),
/// an Ollama Modelfile whose TEMPLATE and stop parameters match training, and the PEFT adapter (export/adapter).
/// Then the parity gate: the test split is answered again by the GGUF on llama.cpp and judged; the export fails when
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
                if (weights.AdapterDir is { } adapter)
                {
                    if (formats.Contains("peft")) outputs.Add(CopyFolder(adapter, Path.Combine(dir, "adapter")));
                    LoraModel.Merge(student.Module);
                }
                if (formats.Contains("safetensors"))
                {
                    var hf = Path.Combine(dir, "hf");
                    HfFolderWriter.Write(student.Module, hf, copySideFilesFrom: Directory.Exists(student.Source) ? student.Source : null);
                    outputs.Add(hf);
                }
                if (formats.Contains("gguf") || formats.Contains("ollama"))
                {
                    StudentModelExport.ToGguf(student, gguf, GgufQuants.Parse(ctx.Config.Export.Quant), ctx.Config.Task.Name);
                    outputs.Add(gguf);
                }
                if (formats.Contains("ollama"))
                {
                    var modelfile = Path.Combine(dir, "Modelfile");
                    AtomicFile.WriteAllText(modelfile, Modelfile(student, "./model.gguf"));
                    outputs.Add(modelfile);
                }
            }
            ctx.Say(round, "export", $"wrote {string.Join(", ", outputs.Select(o => Path.GetRelativePath(ctx.Folder.Root, o)))}");
            if (File.Exists(gguf)) await ParityAsync(ctx, round, gguf, template, test, before, ct);
            return outputs;
        });
        return File.Exists(gguf) ? gguf : null;
    }

    /// <summary>An Ollama Modelfile: the GGUF, the template in Ollama's syntax and one stop parameter per stop string.</summary>
    public static string Modelfile(StudentModel student, string ggufPath)
    {
        var sb = new StringBuilder();
        sb.Append("# Made by LlamaDuo. `ollama create NAME -f Modelfile` then `ollama run NAME`.\n");
        sb.Append($"FROM {ggufPath}\n");
        if (student.Template.OllamaTemplate is { } template) sb.Append($"TEMPLATE \"\"\"{template}\"\"\"\n");
        foreach (var stop in student.Template.StopStrings) sb.Append($"PARAMETER stop \"{stop.Replace("\"", "\\\"")}\"\n");
        return sb.ToString();
    }

    static async Task ParityAsync(LoopContext ctx, int round, string gguf, IChatTemplate template, IReadOnlyList<CoverageRow> test, JudgeRunResult before, CancellationToken ct)
    {
        List<Generation> generations;
        using (var engine = LlamaCppChatClient.Open(gguf, template))
            generations = await ChatClientGeneration.RunAsync(engine, test, ctx.Config.Inference with { Concurrency = 1 }, round, ct);
        var after = await JudgeStage.ScoreAsync(ctx, test, generations, ct);
        double dSim = after.Similarity.Mean - before.Similarity.Mean, dPrec = after.Precision.Mean - before.Precision.Mean;
        var tolerance = ctx.Config.Export.ParityTolerance;
        var report = $"parity on llama.cpp: similarity {after.Similarity.Mean:0.0} ({dSim:+0.0;-0.0}), precision {after.Precision.Mean:0.0} ({dPrec:+0.0;-0.0}), tolerance {tolerance}";
        AtomicFile.WriteAllText(Path.Combine(ctx.Folder.ExportDir, "parity.txt"), report + "\n");
        ctx.Say(round, "export", report);
        if (Math.Abs(dSim) > tolerance || Math.Abs(dPrec) > tolerance)
            throw new ExportParityException(report);
    }

    static string CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
        return to;
    }
}

/// <summary>The exported model scores differently from the trained one by more than the configured tolerance.</summary>
public sealed class ExportParityException(string message) : Exception(message);
