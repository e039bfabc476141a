using LlamaDuo.Cli;
using LlamaDuo.Cli.Commands;
using Spectre.Console.Cli;

// Before libtorch loads: OpenMP threads that spin while waiting make everything crawl on shared or busy cores.
LlamaDuo.Torch.Training.OpenMpWaits.PreferPassive();

// Redirected output (logs, CI, pipes) has no terminal width; Spectre would wrap tables at 80 columns.
if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 160;

// Traces and metrics go out by OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/telemetry.md); disposed at exit to flush.
using var telemetry = LlamaDuo.Cli.OtlpTelemetry.StartFromEnvironment();

Action<IConfigurator> commands = config =>
{
    config.SetApplicationName("llamaduo");
    config.PropagateExceptions();
    // Every command, whoever adds it: an unknown option or an extra argument is an error (exit 2), not ignored.
    StrictArguments.Apply(config);
    // Each area registers its own commands; see Commands/*.cs.
    config.AddCommand<LlamaDuo.Cli.Commands.Loop.QuickstartCommand>("quickstart").WithDescription("Offline end-to-end migration on stories15M with the demo service (a stand-in for the service LLM).");
    config.AddCommand<LlamaDuo.Cli.Commands.Loop.RunCommand>("run").WithDescription("Run the LlamaDuo loop for one migration config (resumable).");
    config.AddCommand<LlamaDuo.Cli.Commands.Runs.RunsCommand>("runs").WithDescription("List runs (status, rounds, best scores) under --root (default ./runs).");
    config.AddCommand<LlamaDuo.Cli.Commands.Runs.StatusCommand>("status").WithDescription("Show one run's rounds (scores, verdict, rows added, cost) and stages.");
    config.AddCommand<LlamaDuo.Cli.Commands.Loop.InferStageCommand>("infer").WithDescription("Single step: the student answers the test prompts (llamaduo infer --run DIR).");
    config.AddBranch("judge", judge =>
    {
        // `llamaduo judge --run DIR` stays the single step; parse and calibrate are the judge's own tools.
        judge.SetDescription("Single step: the service LLM judges the answers and the round is decided (--run DIR); or parse | calibrate.");
        judge.SetDefaultCommand<LlamaDuo.Cli.Commands.Loop.JudgeStageCommand>();
        judge.AddCommand<LlamaDuo.Cli.Commands.Judge.JudgeParseCommand>("parse").WithDescription("Parse a judge log (JSONL) with the strict parsers: scores or a diagnostic per line.");
        judge.AddCommand<LlamaDuo.Cli.Commands.Judge.JudgeCalibrateCommand>("calibrate").WithDescription("Measure the configured judge against human labels: correlation, bias, pass/fail kappa, verbosity and off-target probes.");
    });
    config.AddCommand<LlamaDuo.Cli.Commands.Loop.SynthStageCommand>("synth").WithDescription("Single step: synthesize, dedup and decontaminate the next round's data (--run DIR).");
    config.AddCommand<LlamaDuo.Cli.Commands.Cost.CostCommand>("cost").WithDescription("The cost case of a run: service LLM vs student per request, break-even volume, 12 months at light and heavy load, migration spend.");
    config.AddCommand<LlamaDuo.Cli.Commands.Ui.UiCommand>("ui").WithDescription("Serve a read-only web view of the runs (loopback): every run, and each run live (stages, training loss, judge progress).");
    config.AddCommand<VersionCommand>("version").WithDescription("Print the LlamaDuo version.");
    config.AddCommand<LlamaDuo.Cli.Commands.Models.GenerateCommand>("generate").WithDescription("Print a model's continuation of a prompt.");
    config.AddCommand<LlamaDuo.Cli.Commands.Train.TrainCommand>("train").WithDescription("Fine-tune a student (LoRA or full) on a JSONL file; --resume continues a run.");
    config.AddCommand<LlamaDuo.Cli.Commands.Export.ExportCommand>("export").WithDescription("Convert a model to a deployable format (gguf).");
    config.AddBranch("models", models =>
    {
        models.SetDescription("Model catalogue.");
        models.AddCommand<LlamaDuo.Cli.Commands.Models.ModelsFetchCommand>("fetch").WithDescription("Download a catalogued model (stories15m) into the cache.");
    });
    config.AddCommand<LlamaDuo.Cli.Commands.Serve.ServeCommand>("serve").WithDescription("Serve a model over an OpenAI-compatible HTTP API.");
    config.AddCommand<LlamaDuo.Cli.Commands.Service.DemoServiceCommand>("demo-service").WithDescription("Run the demo service: an OpenAI-compatible STAND-IN for the service LLM (deterministic rules, not a language model).");
    config.AddBranch("bench", bench =>
    {
        bench.SetDescription("Benchmarks, each measured side by side in one run (add yours here).");
        bench.AddCommand<LlamaDuo.Cli.Commands.Bench.BenchJudgeCommand>("judge").WithDescription("LLM judge calls/s through the full service stack against the demo service (a stand-in) vs min(C/L, rate limit).");
        bench.AddCommand<LlamaDuo.Cli.Commands.Bench.BenchDedupCommand>("dedup").WithDescription("Dedup rows/s on 100K rows and recall against an exact all-pairs check.");
        bench.AddCommand<LlamaDuo.Cli.Commands.Bench.BenchTrainCommand>("train").WithDescription("Training tokens/s and MFU against the GEMM rate measured in the same run (stories15M, SmolLM-135M shape; LoRA, full; fp32, bf16); --shape qwen2.5-0.5b|smollm2-360m|llama-3.2-1b: one real-shape run with peak RSS.");
        bench.AddCommand<LlamaDuo.Cli.Commands.Bench.BenchGenerateCommand>("generate").WithDescription("Greedy tokens/s on stories15M: TorchSharp vs llama.cpp at batch 1 and 8.");
        bench.AddCommand<LlamaDuo.Cli.Commands.Bench.BenchServeCommand>("serve").WithDescription("Server load vs llama.cpp directly on stories15M.");
    });
};
var app = new CommandApp();
app.Configure(commands);
using var signals = new StopSignals();
// Commands run on the thread pool; this first thread runs the training steps (FirstThread: glibc's main heap keeps
// freed pages for the next step, other threads' arenas map and unmap every large block).
return CliErrors.Run(() => LlamaDuo.Core.Threading.FirstThread.Serve(() => app.Run(StrictArguments.RefuseDoubleDash(args), signals.Token)), args, new CommandTree(commands));
