using System.Globalization;
using LlamaDuo.Core.Data;
using LlamaDuo.Models.Catalog;
using LlamaDuo.Torch.Catalog;
using LlamaDuo.Torch.Lora;
using LlamaDuo.Torch.Training;
using static TorchSharp.torch;

namespace LlamaDuo.Cli.Commands.Bench;

/// <summary>
/// <c>llamaduo bench train --shape NAME</c>: one training run of a real-shape student (random N(0, 0.02) weights, the
/// real tokenizer) through the real trainer, with the memory plan, dtype choice and packing a user gets. Prints
/// tokens/s over real (non-padding) tokens, MFU against the GEMM rate at the model's layer shapes measured just before
/// and after in the same process, peak RSS beside the estimate, and the hours per epoch these imply for 400 and
/// 10,000 rows; ends with one key=value line. The run is the process's only large allocation, so VmHWM is its peak.
/// </summary>
internal static class BenchTrainShape
{
    public static int Run(BenchTrainCommand.Settings s)
    {
        var inv = CultureInfo.InvariantCulture;
        var shape = BenchShapes.Find(s.Shape!);
        var steps = s.Steps ?? (s.Quick ? 2 : 4);
        var method = s.Method == "full" ? TrainMethod.Full : TrainMethod.Lora;
        var lora = new LoraSettings { Rank = 8, Alpha = 16, Dropout = 0.05, Targets = LoraSettings.ParseTargets(s.Targets, "--targets") };
        Console.Error.WriteLine($"bench train --shape {shape.Name}: {shape.ParameterCount / 1e6:F0}M parameters, tokenizer: {shape.TokenizerNote}");
        Console.Error.WriteLine($"load average {Load()}; {steps} steps (the first is warm-up), batch {s.BatchSize} x {s.MaxLen}, {method.ToString().ToLowerInvariant()}" +
            (method == TrainMethod.Lora ? $" r8 on {string.Join(",", lora.Targets)}" : ""));

        using var student = BenchShapeModels.Load(shape, log: Console.Error);
        var rows = s.Data is { } path ? SftJsonl.Read(path) : Rows(student.Tokenizer, 400);
        var options = new TrainOptions
        {
            Method = method, Lora = lora, MaxSteps = steps, BatchSize = s.BatchSize, MaxLen = s.MaxLen, Packing = !s.NoPacking,
            LearningRate = method == TrainMethod.Lora ? 2e-4 : 1e-5, HeldOutFraction = 0, SaveEvery = 0, LogEvery = 1, WriteOutputs = false, Seed = 1,
            Dtype = s.Dtype switch { "fp32" => TrainDtype.Float32, "bf16" => TrainDtype.BFloat16, _ => TrainDtype.Auto },
            Checkpointing = s.Checkpointing switch { "on" => CheckpointingMode.On, "off" => CheckpointingMode.Off, _ => CheckpointingMode.Auto },
        };
        var dir = Path.Combine(Path.GetTempPath(), $"llamaduo-bench-train-{Guid.NewGuid():N}");
        try
        {
            var shapes = GemmProbe.LayerShapes(student.Config, 512);
            // The GEMM rate before the run as well as after it: right after training hands its heap back (malloc_trim),
            // fresh pages fault in slowly on these VMs and the probe read 295-311 GFLOP/s against 374-390 before the run
            // in the same process, which would flatter the MFU. The highest reading is the machine's rate.
            var before = new Dictionary<ScalarType, double>
            {
                [ScalarType.Float32] = GemmProbe.Measure(ScalarType.Float32, shapes),
                [ScalarType.BFloat16] = GemmProbe.Measure(ScalarType.BFloat16, shapes),
            };
            var progress = new Progress(Console.Error);
            var result = SftTrainer.TrainAsync(student, rows, options, dir, progress).GetAwaiter().GetResult(); // on the first thread, as `llamaduo train` runs
            var dtype = result.Dtype == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32;
            var peakRss = MachineMemory.PeakRssBytes() / 1e9; // before the probes, which allocate little anyway
            double after1 = GemmProbe.Measure(dtype, shapes), after2 = GemmProbe.Measure(dtype, shapes);
            var gemm = new[] { before[dtype], after1, after2 }.Max();
            Console.Error.WriteLine(string.Create(inv, $"GEMM rate at layer shapes ({result.Dtype}): {before[dtype]:F0} GFLOP/s before the run, {after1:F0} and {after2:F0} after; MFU is against the highest"));
            var timed = result.LossHistory.Skip(1).ToList();
            if (timed.Count == 0) timed = [.. result.LossHistory];
            double seconds = timed.Sum(p => p.Seconds), tokens = timed.Sum(p => p.Tokens);
            var meanExample = rows.Count == 0 ? 1 : (double)result.Tokens / Math.Max(1, result.LossHistory.Count) / Math.Max(1, s.BatchSize);
            double StepFlops(LossPoint p) => method == TrainMethod.Lora
                ? TrainFlops.Lora(student.Config, lora, p.Tokens, p.Targets, Math.Min(meanExample, s.MaxLen))
                : TrainFlops.Full(student.Config, p.Tokens, p.Targets, Math.Min(meanExample, s.MaxLen));
            var flops = timed.Sum(StepFlops);
            foreach (var p in result.LossHistory)
                Console.Error.WriteLine(string.Create(inv,
                    $"  step {p.Step}: {p.Tokens} real tokens in {p.Seconds:F1} s, {p.Tokens / p.Seconds:F1} tok/s, MFU {StepFlops(p) / p.Seconds / 1e9 / gemm:F3}, " +
                    $"{progress.Faults(p.Step)?.ToString(inv) ?? "?"} page faults{(p.Step == 1 ? " (warm-up, not timed)" : "")}"));
            // Steady state: timed steps in which the heap did not grow (a long run's steps; growing costs ~25 us a page here).
            var steady = timed.Where(p => progress.Faults(p.Step) is < SteadyFaults).ToList();
            double steadySeconds = steady.Sum(p => p.Seconds);
            var steadyTps = steady.Count == 0 ? double.NaN : steady.Sum(p => p.Tokens) / steadySeconds;
            var steadyMfu = steady.Count == 0 ? double.NaN : steady.Sum(StepFlops) / steadySeconds / 1e9 / gemm;
            Console.Error.WriteLine(steady.Count == 0
                ? $"steady state: none of the {timed.Count} timed steps ran without growing the heap (more --steps would show it)"
                : string.Create(inv, $"steady state ({steady.Count} of {timed.Count} timed steps took under {SteadyFaults:N0} page faults, the heap no longer growing): {steadyTps:F1} tok/s, MFU {steadyMfu:F3}"));
            var tps = tokens / seconds;
            var mfu = flops / seconds / 1e9 / gemm;
            var tokensPerRow = (double)result.Tokens / Math.Max(1, result.Steps) / s.BatchSize; // real tokens per packed row
            var rowTokens = MeanRowTokens(student, rows, s.MaxLen);
            double Hours(int count) => count * rowTokens / tps / 3600;
            Console.Error.WriteLine(string.Create(inv,
                $"{shape.Name} {result.Method} {result.Dtype}: {tps:F1} tok/s (real tokens), {flops / seconds / 1e9:F0} GFLOP/s of {gemm:F0} at layer shapes, MFU {mfu:F3}; " +
                $"peak RSS {peakRss:F2} GB (estimate {result.EstimatedPeakGb:F2} GB, checkpointing {(result.Checkpointing ? "on" : "off")}); " +
                $"rows average {rowTokens:F0} tokens: one epoch of 400 rows {Hours(400):F2} h, of 10,000 rows {Hours(10_000):F1} h; loss {result.LossHistory[0].Loss:F3} -> {result.LossHistory[^1].Loss:F3}"));
            Console.Out.WriteLine(string.Create(inv,
                $"shape={shape.Name} method={result.Method} targets={(method == TrainMethod.Lora ? string.Join(",", lora.Targets.Select(t => t.Replace("_proj", ""))) : "all")} " +
                $"dtype={result.Dtype} checkpointing={(result.Checkpointing ? "on" : "off")} packing={(options.Packing ? "on" : "off")} batch={s.BatchSize} max_len={s.MaxLen} " +
                $"tokens_per_s={tps:F1} mfu={mfu:F3} gemm_gflops={gemm:F0} gemm_gflops_before={before[dtype]:F0} gemm_gflops_after={Math.Max(after1, after2):F0} peak_rss_gb={peakRss:F2} estimate_gb={result.EstimatedPeakGb:F2} heap={(result.KeptFreedMemory ? "kept" : "returned")} heap_trims={result.HeapTrims} " +
                $"row_tokens={rowTokens:F0} tokens_per_packed_row={tokensPerRow:F0} hours_per_epoch_400={Hours(400):F2} hours_per_epoch_10000={Hours(10_000):F1} timed_steps={timed.Count} " +
                $"steady_steps={steady.Count} steady_tokens_per_s={(steady.Count == 0 ? "na" : steadyTps.ToString("F1", inv))} steady_mfu={(steady.Count == 0 ? "na" : steadyMfu.ToString("F3", inv))} load_avg={Load()}"));
            return 0;
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Mean tokens of a rendered row, capped at max-len (what one epoch has to process per row).</summary>
    static double MeanRowTokens(Torch.Loading.StudentModel student, IReadOnlyList<ChatExample> rows, int maxLen)
    {
        var encoder = new SftEncoder(student.Tokenizer, student.Template, maxLen, OverlongPolicy.Truncate, true, student.StopTokenIds[0]);
        var encoded = encoder.EncodeAll(rows).Examples;
        return encoded.Count == 0 ? 1 : encoded.Average(e => e.Length);
    }

    /// <summary>
    /// Summarize-style rows: a passage of 80-420 words of varied English and a two-sentence summary, so lengths spread
    /// like no_robots Summarize cut at 512 tokens. Deterministic.
    /// </summary>
    static List<ChatExample> Rows(LlamaDuo.Models.Tokenizers.ITokenizer tokenizer, int count)
    {
        string[] words = ("the city council met on tuesday to discuss a new plan for the river park which has been closed since the flood " +
            "residents asked for more trees benches and a safer path for children while the mayor said the budget would allow only part " +
            "of the work this year engineers estimated that repairs to the old bridge alone would take eight months and cost twice the first " +
            "figure several speakers praised the volunteers who cleaned the banks after the storm and others warned about parking").Split(' ');
        var random = new Random(3);
        return Enumerable.Range(0, count).Select(i =>
        {
            var n = random.Next(80, 420);
            var passage = string.Join(' ', Enumerable.Range(0, n).Select(_ => words[random.Next(words.Length)]));
            var summary = string.Join(' ', Enumerable.Range(0, random.Next(20, 60)).Select(_ => words[random.Next(words.Length)]));
            return ChatExample.FromPair($"bench-{i}", "Summarize this text in two sentences:\n\n" + passage, summary + ".");
        }).ToList();
    }

    static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "na";

    /// <summary>A timed step taking fewer page faults than this (100 MB of fresh pages) did not grow the heap.</summary>
    const long SteadyFaults = 25_000;

    /// <summary>Prints each report and counts the page faults of each step (reports come on the training thread, one per step).</summary>
    sealed class Progress(TextWriter writer) : IProgress<TrainProgress>
    {
        readonly Dictionary<int, long> faultsAt = [];
        long? atStart;

        public void Report(TrainProgress value)
        {
            if (value.Note is not null) atStart ??= MinorFaults(); // the plan's lines come just before step 1
            else if (value.EvalLoss is null) faultsAt[value.Step] = MinorFaults();
            writer.WriteLine(value.ToString());
        }

        /// <summary>Minor page faults taken during <paramref name="step"/>, when both of its ends were seen.</summary>
        public long? Faults(int step) =>
            faultsAt.TryGetValue(step, out var end) && (step == 1 ? atStart : faultsAt.TryGetValue(step - 1, out var s) ? s : null) is { } start
                ? end - start : null;

        static long MinorFaults()
        {
            // /proc/self/stat: "pid (comm) state ppid ..."; minflt is the 10th field, the 8th after the command's ')'.
            if (!File.Exists("/proc/self/stat")) return 0;
            var text = File.ReadAllText("/proc/self/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7], CultureInfo.InvariantCulture);
        }
    }
}
