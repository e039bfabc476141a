using System.ComponentModel;
using System.Globalization;
using LlamaDuo.Core.Data;
using LlamaDuo.Models.Model;
using LlamaDuo.Torch.Loading;
using LlamaDuo.Torch.Lora;
using LlamaDuo.Torch.Model;
using LlamaDuo.Torch.Training;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace LlamaDuo.Cli.Commands.Bench;

/// <summary>
/// <c>llamaduo bench train</c>: the GEMM rate of this machine at the models' layer shapes (fp32 and bf16), then training
/// tokens/s and model-FLOPs utilisation (<see cref="TrainFlops"/>; MFU = achieved model FLOP/s over the GEMM rate of the
/// dtype the frozen base runs in) for stories15M and a random SmolLM-135M-shaped model, LoRA (fp32, bf16) and full.
/// All figures come from the same run. Ends with one key=value line.
/// </summary>
internal sealed class BenchTrainCommand : Command<BenchTrainCommand.Settings>
{
    /// <summary>Options of <c>llamaduo bench train</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--quick")]
        [Description("Fewer steps (stories15M 5, SmolLM-135M 3) and no SmolLM full fine-tuning run.")]
        public bool Quick { get; init; }

        [CommandOption("--steps <N>")]
        [Description("Training steps per stories15M configuration (default 12; 5 with --quick; with --shape 4, 2 with --quick). The first is warm-up and not timed.")]
        public int? Steps { get; init; }

        [CommandOption("--shape <NAME>")]
        [Description("A real student shape with random weights and its real tokenizer: qwen2.5-0.5b, smollm2-360m or llama-3.2-1b (one run: tokens/s, MFU, peak RSS).")]
        public string? Shape { get; init; }

        [CommandOption("--method <METHOD>"), Description("With --shape: lora (default) or full."), DefaultValue("lora")]
        public string Method { get; init; } = "lora";

        [CommandOption("--targets <LIST>"), Description("With --shape: LoRA targets (default all)."), DefaultValue("all")]
        public string Targets { get; init; } = "all";

        [CommandOption("--batch-size <N>"), Description("With --shape: rows per batch (default 8)."), DefaultValue(8)]
        public int BatchSize { get; init; } = 8;

        [CommandOption("--max-len <N>"), Description("With --shape: row length in tokens (default 512)."), DefaultValue(512)]
        public int MaxLen { get; init; } = 512;

        [CommandOption("--dtype <DTYPE>"), Description("With --shape: auto (GEMM probe), fp32 or bf16."), DefaultValue("auto")]
        public string Dtype { get; init; } = "auto";

        [CommandOption("--checkpointing <MODE>"), Description("With --shape: auto, on or off."), DefaultValue("auto")]
        public string Checkpointing { get; init; } = "auto";

        [CommandOption("--no-packing"), Description("With --shape: pad rows instead of packing them.")]
        public bool NoPacking { get; init; }

        [CommandOption("--data <JSONL>"), Description("With --shape: training rows (default: generated summarize-style rows).")]
        public string? Data { get; init; }

        public override Spectre.Console.ValidationResult Validate()
        {
            if (Shape is null) return Spectre.Console.ValidationResult.Success();
            if (Method is not ("lora" or "full")) return Spectre.Console.ValidationResult.Error($"--method must be lora or full, not '{Method}'");
            if (Dtype is not ("auto" or "fp32" or "bf16")) return Spectre.Console.ValidationResult.Error($"--dtype must be auto, fp32 or bf16, not '{Dtype}'");
            if (Checkpointing is not ("auto" or "on" or "off")) return Spectre.Console.ValidationResult.Error($"--checkpointing must be auto, on or off, not '{Checkpointing}'");
            if (BatchSize < 1 || MaxLen < 16) return Spectre.Console.ValidationResult.Error("--batch-size must be at least 1 and --max-len at least 16");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    sealed record Run(string Model, string Method, ScalarType Dtype, double TokensPerSecond, double Gflops, double Mfu, double PeakGflops);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        OpenMpWaits.PreferPassive(); // before libtorch loads: spinning OpenMP threads crawl on shared cores
        if (settings.Shape is not null) return BenchTrainShape.Run(settings);
        var inv = CultureInfo.InvariantCulture;
        var steps = settings.Steps ?? (settings.Quick ? 5 : 12);
        var smolSteps = settings.Quick ? 3 : 5;
        var bf16 = ComputeDevice.CpuHasFastBf16();
        Console.Error.WriteLine($"bench train: {Environment.ProcessorCount} cores, torch threads {get_num_threads()}, AVX-512 BF16 {(bf16 ? "yes" : "no")}, " +
            $"load average {LoadAverage()}; steps {steps} (stories15M), {smolSteps} (SmolLM-135M)");

        var smol = LlamaPresets.SmolLM135M with { MaxPositionEmbeddings = 512 };
        var dtypes = bf16 ? new[] { ScalarType.Float32, ScalarType.BFloat16 } : [ScalarType.Float32];
        var peaks = new Dictionary<(string, ScalarType), double>();
        foreach (var dtype in dtypes)
        {
            peaks[("square", dtype)] = GemmProbe.Measure(dtype, [(1024, 1024, 1024)]);
            Console.Error.WriteLine($"gemm {ComputeDevice.Name(dtype)} 1024^3: {peaks[("square", dtype)]:F0} GFLOP/s");
        }

        var rows = BenchRows(240);
        var runs = new List<Run>();
        foreach (var dtype in dtypes)
            runs.Add(Measure("stories15m", () => ModelLoader.Load("stories15m"), rows, TrainMethod.Lora, dtype, steps, peaks));
        runs.Add(Measure("stories15m", () => ModelLoader.Load("stories15m"), rows, TrainMethod.Full, ScalarType.Float32, steps, peaks));
        foreach (var dtype in dtypes)
            runs.Add(Measure("smollm-135m", () => RandomSmol(smol), rows, TrainMethod.Lora, dtype, smolSteps, peaks));
        if (!settings.Quick)
            runs.Add(Measure("smollm-135m", () => RandomSmol(smol), rows, TrainMethod.Full, ScalarType.Float32, smolSteps, peaks));

        var main = runs.First(r => r.Model == "stories15m" && r.Method == "lora" && r.Dtype == dtypes[^1]);
        var line = new List<string>
        {
            string.Create(inv, $"lora_tps={main.TokensPerSecond:F0}"), string.Create(inv, $"lora_mfu={main.Mfu:F3}"),
            string.Create(inv, $"peak_gflops={main.PeakGflops:F0}"), $"lora_dtype={ComputeDevice.Name(main.Dtype)}",
        };
        foreach (var r in runs)
        {
            var key = $"{(r.Model == "stories15m" ? "" : "smol_")}{r.Method}_{(r.Dtype == ScalarType.BFloat16 ? "bf16" : "fp32")}";
            line.Add(string.Create(inv, $"{key}_tps={r.TokensPerSecond:F0}"));
            line.Add(string.Create(inv, $"{key}_mfu={r.Mfu:F3}"));
        }
        foreach (var ((model, dtype), gflops) in peaks)
            line.Add(string.Create(inv, $"gemm_{model.Replace("-", "_")}_{(dtype == ScalarType.BFloat16 ? "bf16" : "fp32")}={gflops:F0}"));
        line.Add($"load_avg={LoadAverage()}");
        Console.Out.WriteLine(string.Join(" ", line));
        return 0;
    }

    /// <summary>
    /// Trains <paramref name="steps"/> steps and times all but the first (warm-up). The GEMM rate for the model's layer
    /// shapes in the run's dtype is measured just before and just after (the better of the two is the run's peak), so
    /// a busy machine slows both sides of the ratio alike.
    /// </summary>
    static Run Measure(string name, Func<StudentModel> load, IReadOnlyList<ChatExample> rows, TrainMethod method, ScalarType dtype, int steps,
        Dictionary<(string, ScalarType), double> peaks)
    {
        var lora = new LoraSettings { Rank = 8, Alpha = 16, Dropout = 0.05 };
        var options = new TrainOptions
        {
            Method = method, Lora = lora, MaxSteps = steps, BatchSize = 8, LearningRate = method == TrainMethod.Lora ? 2e-3 : 1e-4,
            Dtype = dtype == ScalarType.BFloat16 ? TrainDtype.BFloat16 : TrainDtype.Float32, HeldOutFraction = 0, SaveEvery = 0,
            LogEvery = 1000, WriteOutputs = false, Seed = 1,
        };
        var dir = Path.Combine(Path.GetTempPath(), $"llamaduo-bench-train-{Guid.NewGuid():N}");
        try
        {
            using var student = load();
            var shapes = GemmProbe.LayerShapes(student.Config, 512);
            var before = GemmProbe.Measure(dtype, shapes);
            var result = SftTrainer.TrainAsync(student, rows, options, dir).GetAwaiter().GetResult(); // on the first thread, as `llamaduo train` runs
            var peak = Math.Max(before, GemmProbe.Measure(dtype, shapes));
            peaks[(name, dtype)] = Math.Max(peak, peaks.GetValueOrDefault((name, dtype)));
            var timed = result.LossHistory.Skip(1).ToList();
            double seconds = timed.Sum(p => p.Seconds), tokens = timed.Sum(p => p.Tokens);
            var meanLength = tokens / (timed.Count * (double)options.BatchSize);
            var flops = timed.Sum(p => method == TrainMethod.Lora
                ? TrainFlops.Lora(student.Config, lora, p.Tokens, p.Targets, meanLength)
                : TrainFlops.Full(student.Config, p.Tokens, p.Targets, meanLength));
            var gflops = flops / seconds / 1e9;
            var run = new Run(name, method.ToString().ToLowerInvariant(), dtype, tokens / seconds, gflops, gflops / peak, peak);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-12} {run.Method,-4} {ComputeDevice.Name(dtype),-8} {run.TokensPerSecond,7:F0} tok/s {gflops,6:F0} GFLOP/s of {peak:F0} at layer shapes  MFU {run.Mfu:F3}  ({timed.Count} timed steps, {seconds:F1} s, loss {result.LossHistory[0].Loss:F3} -> {result.LossHistory[^1].Loss:F3})"));
            return run;
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A SmolLM-135M-shaped model with N(0, 0.02) weights and the stories15M tokenizer (ids fit its larger vocabulary).</summary>
    static StudentModel RandomSmol(LlamaConfig config)
    {
        using var stories = ModelLoader.Load("stories15m");
        var module = new LlamaForCausalLM(config);
        module.InitRandom(1);
        return new StudentModel(config, module, stories.Tokenizer, stories.Template, "smollm-135m-random");
    }

    /// <summary>Story question-answer rows like the narrow task the loop trains on (answer-only loss).</summary>
    static List<ChatExample> BenchRows(int count)
    {
        string[] names = ["Lily", "Tom", "Mia", "Ben", "Sue", "Max", "Anna", "Sam"];
        string[] places = ["park", "beach", "forest", "garden", "farm", "lake"];
        string[] things = ["red ball", "big box", "shiny stone", "blue kite", "little boat", "yellow hat"];
        var random = new Random(5);
        return Enumerable.Range(0, count).Select(i =>
        {
            string name = names[random.Next(names.Length)], friend = names[random.Next(names.Length)];
            var story = $"Once upon a time, there was a child named {name}. One day, {name} went to the {places[random.Next(places.Length)]} " +
                        $"with a friend called {friend}. They found a {things[random.Next(things.Length)]} and played with it all day. " +
                        $"When the sun went down, {name} went home and told mom about the fun day.";
            return ChatExample.FromPair($"bench-{i}", story + "\nQ: Who is this story about?\nA:", " " + name);
        }).ToList();
    }

    static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "na";
}
