using System.Globalization;
using LlamaDuo.Core.Errors;
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
internal sealed class TrainCommand : AsyncCommand<TrainSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, TrainSettings s, CancellationToken cancellationToken)
    {
        OpenMpWaits.PreferPassive(); // before libtorch loads: spinning OpenMP threads crawl on shared cores
        if (s.Run is not null) return await Loop.StageCommand.RunStageAsync(LoopStage.Train, s.Run, cancellationToken);
        var options = ToOptions(s);
        if (options.FirstProblem() is { } problem)
            throw new InputException(problem.Rule, field: Flag(problem.Key), value: problem.Value?.ToString());
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

    /// <summary>The flags as trainer options; a flag left out keeps the record's default (the config's too).</summary>
    static TrainOptions ToOptions(TrainSettings s)
    {
        var defaults = new TrainOptions();
        return defaults with
        {
            Method = s.Method switch { "full" => TrainMethod.Full, "lora" => TrainMethod.Lora, _ => defaults.Method },
            Lora = defaults.Lora with
            {
                Rank = s.Rank, Alpha = s.Alpha, Dropout = s.Dropout,
                Targets = s.Targets is null ? defaults.Lora.Targets : LoraSettings.ParseTargets(s.Targets, "--targets"),
            },
            Epochs = s.Epochs, MaxSteps = s.MaxSteps, LearningRate = s.Lr, WarmupRatio = s.WarmupRatio, WeightDecay = s.WeightDecay,
            MaxGradNorm = s.MaxGradNorm, BatchSize = s.BatchSize, GradAccum = s.GradAccum, MaxLen = s.MaxLen,
            Overlong = s.Overlong switch { "drop" => OverlongPolicy.Drop, "truncate" => OverlongPolicy.Truncate, _ => defaults.Overlong },
            AssistantOnlyLoss = !s.AllTokens, Seed = s.Seed,
            Dtype = s.Dtype switch { "fp32" or "float32" => TrainDtype.Float32, "bf16" or "bfloat16" => TrainDtype.BFloat16, "auto" => TrainDtype.Auto, _ => defaults.Dtype },
            Checkpointing = s.Checkpointing switch { "on" => CheckpointingMode.On, "off" => CheckpointingMode.Off, "auto" => CheckpointingMode.Auto, _ => defaults.Checkpointing },
            MemoryLimitGb = s.MemoryLimitGb,
            Packing = s.Packing,
            Device = s.Device, SaveEvery = s.SaveEvery, LogEvery = s.LogEvery, HeldOutFraction = s.HeldOut, Resume = s.Resume, InitAdapter = s.InitAdapter,
        };
    }

    /// <summary>The `train` flag that sets a trainer setting, from the key <see cref="TrainOptions.FirstProblem"/> names.</summary>
    static string Flag(string key) => key switch
    {
        "training.learning_rate" => "--lr",
        "held_out_fraction" => "--held-out",
        _ => "--" + key[(key.IndexOf('.') + 1)..].Replace('_', '-'),
    };

    /// <summary>Writes each progress report as one stderr line, on the trainer's thread.</summary>
    sealed class LineProgress : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => Console.Error.WriteLine(value.ToString());
    }
}
