using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using LlamaDuo.Core.Errors;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;
using LlamaDuo.Service.Judge;
using LlamaDuo.Service.Providers;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Bench;

/// <summary>
/// <c>llamaduo bench judge</c>: the LLM judge (our prompt, M rounds per row) against the demo service with latency L,
/// through the full client stack (ledger, retries, limits; no cache so every call goes out) at concurrency C under a
/// requests-per-minute limit. judge_efficiency = achieved calls/s / min(C / L, rate limit). Two scenarios: one
/// bound by concurrency, one by the rate limit; the final line reports the worse one.
/// </summary>
internal sealed class BenchJudgeCommand : AsyncCommand<BenchJudgeCommand.Settings>
{
    /// <summary>Options of <c>llamaduo bench judge</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--quick")]
        [Description("Short run: 60 rows per scenario instead of 300.")]
        public bool Quick { get; init; }

        [CommandOption("--concurrency <C>")]
        [Description("Calls in flight (max_concurrency). Default 16.")]
        public int Concurrency { get; init; } = 16;

        [CommandOption("--latency-ms <L>")]
        [Description("Demo service latency per call. Default 200.")]
        public int LatencyMs { get; init; } = 200;

        [CommandOption("--rounds <M>")]
        [Description("Judge rounds per row. Default 10 (the paper's M).")]
        public int Rounds { get; init; } = 10;
    }

    /// <inheritdoc/>
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Concurrency < 1) throw new InputException("must be >= 1", field: "--concurrency", value: settings.Concurrency.ToString());
        if (settings.LatencyMs < 1) throw new InputException("must be >= 1", field: "--latency-ms", value: settings.LatencyMs.ToString());
        if (settings.Rounds < 1) throw new InputException("must be >= 1", field: "--rounds", value: settings.Rounds.ToString());
        var rows = settings.Quick ? 60 : 300;
        var concurrencyBound = settings.Concurrency * 1000.0 / settings.LatencyMs;

        Console.Error.WriteLine($"bench judge: load average {LoadAverage()} on {Environment.ProcessorCount} cores");
        Console.Error.WriteLine($"bench judge: LlmJudge (M={settings.Rounds}) -> full service stack (no cache) -> demo service (stand-in, not a language model), " +
            $"C={settings.Concurrency}, L={settings.LatencyMs} ms, {rows} rows per scenario");
        // A: the rate limit is well above C/L, so concurrency binds. B: the rate limit is half of C/L, so it binds.
        var a = await Scenario("concurrency-bound", settings, rows, rpm: (int)(concurrencyBound * 60 * 2), cancellationToken);
        var b = await Scenario("rate-bound", settings, rows, rpm: (int)(concurrencyBound * 60 / 2), cancellationToken);
        var worse = a.Efficiency <= b.Efficiency ? a : b;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"judge_calls_per_s={worse.Achieved:F2} judge_ideal_per_s={worse.Ideal:F2} judge_efficiency={worse.Efficiency:F3}"));
        return 0;
    }

    static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    sealed record Result(double Achieved, double Ideal, double Efficiency);

    static async Task<Result> Scenario(string name, Settings settings, int rows, int rpm, CancellationToken ct)
    {
        await using var demo = await DemoService.StartAsync(new DemoServiceOptions { LatencyMs = settings.LatencyMs }, [new DemoJudgeResponder()], ct);
        using var service = ServiceClientFactory.Create(new ServiceOptions
        {
            Provider = ServiceProvider.Demo,
            Model = DemoServiceOptions.ModelId,
            BaseUrl = demo.BaseUrl,
            Limits = new ServiceLimits { Concurrency = settings.Concurrency, Rpm = rpm, Tpm = 0 },
            TimeoutSeconds = 30,
        });
        var judge = new LlmJudge(service.Chat, new LlmJudgeOptions { Rounds = settings.Rounds, StageLabel = "judge" });
        var items = Enumerable.Range(0, rows).Select(i => new JudgeItem($"bench-{i}",
            $"Q: In the story, what colour was the kite that child {i} found?", "red", i % 3 == 0 ? "blue" : "red")).ToList();

        // Warm-up (JIT, connection pool) on other rows, outside the timed part.
        var warmup = Enumerable.Range(0, settings.Concurrency).Select(i => items[i] with { Id = $"warmup-{i}", Instruction = "warm-up " + items[i].Instruction }).ToList();
        await JudgeRunner.RunAsync(new LlmJudge(service.Chat, new LlmJudgeOptions { Rounds = 1 }), warmup, cancellationToken: ct);
        var before = demo.Stats.ChatRequests;
        var attemptsBefore = service.Ledger.Totals("judge").Attempts;

        var clock = Stopwatch.StartNew();
        var result = await JudgeRunner.RunAsync(judge, items, cancellationToken: ct);
        var seconds = clock.Elapsed.TotalSeconds;

        var calls = demo.Stats.ChatRequests - before;
        var achieved = calls / seconds;
        var ideal = Math.Min(settings.Concurrency * 1000.0 / settings.LatencyMs, rpm / 60.0);
        var totals = service.Ledger.Totals("judge");
        var meanLatency = service.Ledger.Entries.Skip(warmup.Count).Average(e => e.LatencyMs);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {name}: rpm limit {rpm}, {calls} calls (ledger {totals.Attempts - attemptsBefore}) in {seconds:F2} s = {achieved:F1} calls/s (mean call latency {meanLatency:F0} ms incl. queueing); ideal {ideal:F1}; " +
            $"efficiency {achieved / ideal:F3}; {result.UnscoredRows} unscored rows; mean similarity {result.Similarity.Mean:F1}"));
        return new Result(achieved, ideal, achieved / ideal);
    }
}
