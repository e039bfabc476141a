using System.Globalization;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Torch.Loading;
using LlamaDuo.Torch.Lora;
using LlamaDuo.Torch.Training;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Train;

/// <summary>
/// `llamaduo train`: SFT of a student on a JSONL file, LoRA or full, with checkpoints that --resume continues.
/// Progress goes to stderr; the last stdout line is a key=value summary.
/// </summary>
public sealed class TrainCommand : AsyncCommand<TrainSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, TrainSettings s, CancellationToken cancellationToken)
    {
        OpenMpWaits.PreferPassive(); // before libtorch loads: spinning OpenMP threads crawl on shared cores
        if (s.Run is not null) return await Loop.StageCommand.RunStageAsync(LoopStage.Train, s.Run, cancellationToken);
        var options = ToOptions(s);
        options.Validate();
        var data = SftJsonl.Read(s.Data);
        var notes = new List<string>();
        using var student = ModelLoader.Load(s.Model, templateOverride: s.Template, log: Console.Error, notes: notes);
        foreach (var note in notes) Console.Error.WriteLine($"note: {note}");
        Console.Error.WriteLine($"train: {data.Count} rows from {s.Data}, {options.Method.ToString().ToLowerInvariant()} on {student.Source}" +
            (options.Resume ? " (resuming)" : ""));

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); }; // first Ctrl+C: checkpoint, then stop
        Console.CancelKeyPress += onCancel;
        TrainResult result;
        try
        {
            result = await SftTrainer.TrainAsync(student, data, options, s.Out, new LineProgress(), cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        if (s.Merge && result.AdapterDir is not null)
        {
            using var fresh = ModelLoader.Load(s.Model, templateOverride: s.Template);
            LoraModel.MergeAdapter(fresh.Module, result.AdapterDir);
            var merged = Path.Combine(s.Out, "merged");
            AtomicFolder.Write(merged, staging => HfFolderWriter.Write(fresh.Module, staging, copySideFilesFrom: Directory.Exists(s.Model) ? s.Model : null));
            Console.Error.WriteLine($"merged model: {Path.GetFullPath(merged)}");
        }
        Console.Error.WriteLine($"{result.Method} done: {result.Steps} steps, final loss {result.FinalLoss:F4}, " +
            $"{result.Truncated} truncated, {result.Dropped} dropped; {result.AdapterDir ?? result.ModelDir}");
        var inv = CultureInfo.InvariantCulture;
        Console.Out.WriteLine(string.Create(inv,
            $"steps={result.Steps} final_loss={result.FinalLoss:F4} held_out_loss={(result.EvalHistory.Count > 0 ? result.EvalHistory[^1].Loss.ToString("F4", inv) : "na")} " +
            $"tokens_per_s={result.TokensPerSecond:F0} dtype={result.Dtype} checkpointing={(result.Checkpointing ? "on" : "off")} peak_rss_gb={result.PeakRssGb:F2} estimate_gb={result.EstimatedPeakGb:F2} examples={result.Examples} truncated={result.Truncated} dropped={result.Dropped} " +
            $"out={result.AdapterDir ?? result.ModelDir}"));
        return 0;
    }

    static TrainOptions ToOptions(TrainSettings s) => new()
    {
        Method = s.Method == "full" ? TrainMethod.Full : TrainMethod.Lora,
        Lora = new LoraSettings { Rank = s.Rank, Alpha = s.Alpha ?? 2.0 * s.Rank, Dropout = s.Dropout, Targets = LoraSettings.ParseTargets(s.Targets, "--targets") },
        Epochs = s.Epochs, MaxSteps = s.MaxSteps, LearningRate = s.Lr, WarmupRatio = s.WarmupRatio, WeightDecay = s.WeightDecay,
        MaxGradNorm = s.MaxGradNorm, BatchSize = s.BatchSize, GradAccum = s.GradAccum, MaxLength = s.MaxLen,
        Overlong = s.Overlong == "drop" ? OverlongPolicy.Drop : OverlongPolicy.Truncate, AssistantOnlyLoss = !s.AllTokens, Seed = s.Seed,
        Dtype = s.Dtype switch { "fp32" or "float32" => TrainDtype.Float32, "bf16" or "bfloat16" => TrainDtype.BFloat16, _ => TrainDtype.Auto },
        Checkpointing = s.Checkpointing switch { "on" => CheckpointingMode.On, "off" => CheckpointingMode.Off, _ => CheckpointingMode.Auto },
        MemoryLimitGb = s.MemoryLimitGb,
        Packing = s.Packing,
        Device = s.Device, SaveEvery = s.SaveEvery, LogEvery = s.LogEvery, HeldOutFraction = s.HeldOut, Resume = s.Resume, InitAdapter = s.InitAdapter,
    };

    /// <summary>Writes each progress report as one stderr line, on the trainer's thread.</summary>
    sealed class LineProgress : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => Console.Error.WriteLine(value.ToString());
    }
}
