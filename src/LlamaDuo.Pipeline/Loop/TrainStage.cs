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
internal static class TrainStage
{
    public static async Task<TrainedWeights> RunAsync(LoopContext ctx, int round, IReadOnlyList<CoverageRow> rows,
        TrainedWeights? previous, CancellationToken ct)
    {
        var outDir = TrainedWeights.OutDir(ctx.Folder, round);
        await ctx.StageAsync(round, LoopStage.Train, async () =>
        {
            string? init = ctx.Config.Student.Training.WarmStart ? previous?.AdapterDir : null;
            var options = ConfigMapping.Train(ctx.Config, resume: true, initAdapter: init);
            ctx.Say(round, LoopStage.Train, $"{rows.Count} rows, {options.Method.ToString().ToLowerInvariant()} {(init is null ? "from the base" : "continuing the last adapter")}, {options.Epochs} epochs");
            var result = ctx.Trainer is { } trainer ? await trainer(new TrainJob(round, rows, outDir, init), ct)
                : ctx.Config.Student.Backend == TrainingBackend.External
                ? await ExternalTrainer.RunAsync(ctx.Config.Student, rows, ctx.Folder.RoundFile(round, "job"), outDir, init, line => ctx.Say(round, LoopStage.Train, line), ct)
                : await TrainHereAsync(ctx, round, rows, options, outDir, ct);
            ctx.Store.RecordLosses(result.LossHistory.Select(l => new StoreLoss(round, l.Step, l.Loss, l.LearningRate)));
            ctx.Say(round, LoopStage.Train, $"done: {result.Steps} steps, final loss {result.FinalLoss:0.000}, {result.TokensPerSecond:0} tokens/s");
            return [outDir];
        });
        return TrainedWeights.Read(outDir);
    }

    static async Task<TrainResult> TrainHereAsync(LoopContext ctx, int round, IReadOnlyList<CoverageRow> rows, TrainOptions options, string outDir, CancellationToken ct)
    {
        using var student = StudentLoader.Base(ctx.Config);
        var progress = new InlineProgress<TrainProgress>(p =>
        {
            ctx.Say(round, LoopStage.Train, p.ToString());
            if (p.EvalLoss is not null) return;
            Core.Telemetry.LlamaDuoTelemetry.RecordTraining(round, p.Loss, p.TokensPerSecond);
            // Live for `llamaduo ui`: the loss point now (the full history replaces it when the stage ends) and the step.
            ctx.Store.RecordLosses([new StoreLoss(round, p.Step, p.Loss, p.LearningRate)]);
            ctx.Progress.Report(round, LoopStage.Train.Name(), p.Step, p.TotalSteps, $"loss {p.Loss:0.0000}, {p.TokensPerSecond:0} tokens/s");
        });
        return await SftTrainer.TrainAsync(student, rows.Select(r => r.Example).ToList(), options, outDir, progress, ct);
    }
}

/// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool and can reorder lines).</summary>
sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

/// <summary>One round's training: the rows, the folder the result goes to, and the adapter it continues (warm start).</summary>
internal sealed record TrainJob(int Round, IReadOnlyList<CoverageRow> Rows, string OutDir, string? InitAdapter);
