using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.Torch.Generation;
using LlamaDuo.Torch.Loading;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Bench;

/// <summary>
/// <c>llamaduo bench generate</c>: greedy decoding speed on stories15M for our TorchSharp engine and llama.cpp, at batch 1
/// (prompts one after another) and batch 8 (all prompts in one batch), in one run on the same prompts, fp32 weights,
/// and the same number of new tokens. llama.cpp's batch 8 is one context with 8 sequence ids decoded in one
/// llama_batch per step. Tokens/s counts generated tokens over wall time including prefill. Ends with one key=value line.
/// </summary>
internal sealed class BenchGenerateCommand : Command<BenchGenerateCommand.Settings>
{
    /// <summary>Options of <c>llamaduo bench generate</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--quick")]
        [Description("Short run: 48 new tokens per prompt and 2 batch-1 prompts (unless given explicitly).")]
        public bool Quick { get; init; }

        [CommandOption("--tokens <N>")]
        [Description("New tokens per prompt (default 128; 48 with --quick).")]
        public int? Tokens { get; init; }

        [CommandOption("--b1-prompts <N>")]
        [Description("Prompts run one at a time for batch 1 (default 8; 2 with --quick).")]
        public int? B1Prompts { get; init; }

        [CommandOption("--shape <NAME>")]
        [Description("A real student shape with random weights: qwen2.5-0.5b, smollm2-360m or llama-3.2-1b. Then torch vs llama.cpp at batch 1 and K, and the infer stage vs llama.cpp's batched generation (default 128 new tokens; 32 with --quick).")]
        public string? Shape { get; init; }

        [CommandOption("--samples <K>")]
        [Description("With --shape: samples per prompt (default 4, the paper's K).")]
        public int K { get; init; } = 4;

        [CommandOption("--stage-only")]
        [Description("With --shape: time only the infer stage against llama.cpp's batched generation (no torch, no batch-1 runs), e.g. for --tokens 1024.")]
        public bool StageOnly { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            Shape is not null && Tokens is < 1 or > 1024 ? Spectre.Console.ValidationResult.Error("--tokens must be between 1 and 1024")
            : Shape is null && Tokens is < 1 or > 200 ? Spectre.Console.ValidationResult.Error("--tokens must be between 1 and 200 (stories15M's context is 256)")
            : K is < 1 or > 16 ? Spectre.Console.ValidationResult.Error("--samples must be between 1 and 16")
            : StageOnly && Shape is null ? Spectre.Console.ValidationResult.Error("--stage-only needs --shape")
            : B1Prompts is < 1 or > 8 ? Spectre.Console.ValidationResult.Error("--b1-prompts must be between 1 and 8")
            : Spectre.Console.ValidationResult.Success();
    }

    static readonly string[] Prompts =
    [
        "Once upon a time", "One day, a little boy named Tim", "The sun was shining and", "There was a big red ball that",
        "Lily and her mom went to the park. They", "A small bird sat on a tree", "Ben had a new toy car. He", "In a quiet town, there lived",
    ];

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Shape is { } shape) return ShapeGenerateBench.Run(shape, settings.Quick, settings.Tokens, settings.K, settings.StageOnly, cancellationToken);
        int tokens = settings.Tokens ?? (settings.Quick ? 48 : 128);
        int b1Prompts = settings.B1Prompts ?? (settings.Quick ? 2 : 8);
        using var model = ModelLoader.Load("stories15m", log: Console.Error);
        var gguf = Path.Combine(Path.GetTempPath(), $"llamaduo-bench-{Guid.NewGuid():N}.gguf");
        try
        {
            StudentModelExport.ToGguf(model, gguf, GgufQuant.F32, "stories15m");
            using var llama = LlamaCppModel.Load(gguf);
            var torch = new TextGenerator(model);
            var ids = Prompts.Select(torch.Encode).ToArray();
            Console.Error.WriteLine($"bench generate: stories15M fp32, greedy, {tokens} new tokens per prompt, {Environment.ProcessorCount} cores; " +
                $"batch 1 over {b1Prompts} prompts, batch 8 over {Prompts.Length}");

            var torchOptions = new GenerationOptions { MaxNewTokens = tokens, MaxBatchSize = 8 };
            var llamaRequest = new LlamaCppRequest(tokens, new LlamaCppSampling());
            using var llama1 = new LlamaCppGenerator(llama, model.ContextLength, sequences: 1);
            using var llama8 = new LlamaCppGenerator(llama, model.ContextLength, sequences: 8);
            // Warm-up: first calls pay for allocation and thread start-up in both engines.
            torch.Generate([ids[0]], torchOptions with { MaxNewTokens = 4 }, ct: cancellationToken);
            llama1.Generate([ids[0]], llamaRequest with { MaxNewTokens = 4 }, ct: cancellationToken);

            var (torchB1, torchB1Cpu, torchB1Texts) = Measure(() => ids.Take(b1Prompts).Select(p => Completion(torch.Generate([p], torchOptions, ct: cancellationToken)[0])).ToList());
            var (llamaB1, llamaB1Cpu, llamaB1Texts) = Measure(() => ids.Take(b1Prompts).Select(p => Completion(llama1.Generate([p], llamaRequest, ct: cancellationToken)[0])).ToList());
            var (torchB8, torchB8Cpu, torchB8Texts) = Measure(() => torch.Generate(ids, torchOptions, ct: cancellationToken).Select(Completion).ToList());
            var (llamaB8, llamaB8Cpu, llamaB8Texts) = Measure(() => llama8.Generate(ids, llamaRequest, ct: cancellationToken).Select(Completion).ToList());

            bool sameB1 = Agree("batch 1", torchB1Texts, llamaB1Texts), sameB8 = Agree("batch 8", torchB8Texts, llamaB8Texts);
            bool sameText = sameB1 && sameB8;
            Console.Error.WriteLine($"  torch     b1 {torchB1,8:F1} tok/s ({torchB1Cpu,7:F1} per CPU-second)   b8 {torchB8,8:F1} tok/s ({torchB8Cpu,7:F1} per CPU-second)");
            Console.Error.WriteLine($"  llama.cpp b1 {llamaB1,8:F1} tok/s ({llamaB1Cpu,7:F1} per CPU-second)   b8 {llamaB8,8:F1} tok/s ({llamaB8Cpu,7:F1} per CPU-second)");
            Console.Error.WriteLine("  (llama.cpp batch 8: one context, 8 sequence ids per llama_batch; load average now " +
                $"{File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores)");
            Console.Error.WriteLine($"  greedy texts identical across engines: {sameText}");
            var f = CultureInfo.InvariantCulture;
            Console.Out.WriteLine(string.Create(f,
                $"torch_b1_tps={torchB1:F1} torch_b8_tps={torchB8:F1} llamacpp_b1_tps={llamaB1:F1} llamacpp_b8_tps={llamaB8:F1} " +
                $"llamacpp_over_torch_b1={llamaB1 / torchB1:F2} llamacpp_over_torch_b8={llamaB8 / torchB8:F2} " +
                $"torch_b8_over_b1={torchB8 / torchB1:F2} llamacpp_b8_over_b1={llamaB8 / llamaB1:F2} new_tokens={tokens} same_text={sameText.ToString().ToLowerInvariant()}"));
            return 0;
        }
        finally
        {
            File.Delete(gguf);
        }
    }

    static (string Text, int Tokens) Completion(GenerationResult r) => (r.Text, r.CompletionTokens);
    static (string Text, int Tokens) Completion(LlamaCppCompletion c) => (c.Text, c.Tokens.Count);

    /// <summary>
    /// Runs once; returns generated tokens per second of wall time and per CPU-second of this process (less
    /// sensitive to other work on a shared machine), and the texts for the equality check.
    /// </summary>
    static (double TokensPerSecond, double TokensPerCpuSecond, List<string> Texts) Measure(Func<List<(string Text, int Tokens)>> run)
    {
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var results = run();
        var wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        int tokens = results.Sum(r => r.Tokens);
        return (tokens / wall, tokens / cpu, results.Select(r => r.Text).ToList());
    }

    /// <summary>
    /// True when both engines gave the same texts; otherwise reports where they part. Greedy decoding can part after
    /// many tokens where two candidates' logits differ by less than the engines' rounding (~2e-5 here).
    /// </summary>
    static bool Agree(string label, List<string> torch, List<string> llama)
    {
        bool same = true;
        for (int i = 0; i < torch.Count; i++)
        {
            if (torch[i] == llama[i]) continue;
            same = false;
            int common = 0;
            while (common < Math.Min(torch[i].Length, llama[i].Length) && torch[i][common] == llama[i][common]) common++;
            Console.Error.WriteLine($"  {label}, prompt {i}: texts agree for {common} characters, then torch \"{Snippet(torch[i], common)}\" vs llama.cpp \"{Snippet(llama[i], common)}\"");
        }
        return same;
    }

    static string Snippet(string text, int from) => text.Substring(from, Math.Min(30, text.Length - from)).ReplaceLineEndings(" ");
}
