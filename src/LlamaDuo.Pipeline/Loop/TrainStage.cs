using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Training;
using LlamaDuo.Torch.Training;
using StoreLoss = LlamaDuo.Pipeline.Store.LossPoint;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Stage "train": fine-tune the student on train plus every synthetic batch accepted so far, into round-NN/train/.
/// Later rounds start from the previous round's adapter (training.warm_start). The trainer checkpoints as it goes and
/// resumes from its last checkpoint when the stage is run again after a crash.
/// </summary>
public static class TrainStage
{
    public static async Task<TrainedWeights> RunAsync(LoopContext ctx, int round, IReadOnlyList<CoverageRow> rows,
        TrainedWeights? previous, CancellationToken ct)
    {
        var outDir = ctx.Folder.RoundFile(round, "train");
        await ctx.StageAsync(round, "train", async () =>
        {
            string? init = ctx.Config.Student.Training.WarmStart ? previous?.AdapterDir : null;
            var options = ConfigMapping.Train(ctx.Config, resume: true, initAdapter: init);
            ctx.Say(round, "train", $"{rows.Count} rows, {options.Method.ToString().ToLowerInvariant()} {(init is null ? "from the base" : "continuing the last adapter")}, {options.Epochs} epochs");
            var result = ctx.Config.Student.Backend == TrainingBackend.External
                ? await ExternalTrainer.RunAsync(ctx.Config.Student, rows, ctx.Folder.RoundFile(round, "job"), outDir, init, line => ctx.Say(round, "train", line), ct)
                : await TrainHereAsync(ctx, round, rows, options, outDir, ct);
            ctx.Store.RecordLosses(result.LossHistory.Select(l => new StoreLoss(round, l.Step, l.Loss, l.LearningRate)));
            ctx.Say(round, "train", $"done: {result.Steps} steps, final loss {result.FinalLoss:0.000}, {result.TokensPerSecond:0} tokens/s");
            return [outDir];
        });
        return Read(outDir);
    }

    static async Task<TrainResult> TrainHereAsync(LoopContext ctx, int round, IReadOnlyList<CoverageRow> rows, TrainOptions options, string outDir, CancellationToken ct)
    {
        using var student = StudentLoader.Base(ctx.Config);
        var progress = new InlineProgress<TrainProgress>(p =>
        {
            ctx.Say(round, "train", p.ToString());
            if (p.EvalLoss is not null) return;
            Core.Telemetry.LlamaDuoTelemetry.RecordTraining(round, p.Loss, p.TokensPerSecond);
            // Live for `llamaduo ui`: the loss point now (the full history replaces it when the stage ends) and the step.
            ctx.Store.RecordLosses([new StoreLoss(round, p.Step, p.Loss, p.LearningRate)]);
            ctx.Progress.Report(round, "train", p.Step, p.TotalSteps, $"loss {p.Loss:0.0000}, {p.TokensPerSecond:0} tokens/s");
        });
        return await SftTrainer.TrainAsync(student, rows.Select(r => r.Example).ToList(), options, outDir, progress, ct);
    }

    /// <summary>The weights a finished train stage left: outDir/adapter (LoRA) or outDir/model (full).</summary>
    public static TrainedWeights Read(string outDir)
    {
        if (!File.Exists(Path.Combine(outDir, TrainRunFolder.ResultFile)))
            throw new InputException("training result is missing; rerun with --resume", outDir);
        string adapter = Path.Combine(outDir, "adapter"), model = Path.Combine(outDir, "model");
        return new TrainedWeights(Directory.Exists(adapter) ? adapter : null, Directory.Exists(model) ? model : null);
    }
}

/// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool and can reorder lines).</summary>
sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
