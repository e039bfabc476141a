using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using LlamaDuo.Cli.Commands.Serve;
using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.Server;
using LlamaDuo.Server.Load;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Bench;

/// <summary>
/// <c>llamaduo bench serve</c>: the same closed-loop streaming load (C clients, each sending one request after another:
/// same prompt, token budget, temperature, a seed per request) at C = 1 and C = N, through three paths in one process:
/// our HTTP server with continuous batching (one llama.cpp context, C sequences per decode), our server with a
/// llama.cpp context per request (the path before batching, `serve --no-batch`), and the llama.cpp batched
/// reference (<see cref="BatchedReferenceLoad"/>, bench generate's b1/b8 without HTTP). Sides alternate in short
/// rounds so all see the same background load. Reports tokens/s, the ratio to the reference at the same C, TTFT
/// percentiles, errors and peak RSS.
/// </summary>
internal sealed class BenchServeCommand : AsyncCommand<BenchServeCommand.Settings>
{
    /// <summary>Options of <c>llamaduo bench serve</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--quick")]
        [Description("Short run: 4 s per side and concurrency, in 2 rounds (unless --seconds is given).")]
        public bool Quick { get; init; }

        [CommandOption("--model <MODEL>")]
        [Description("Model to serve (default stories15m); exported to a temporary GGUF unless it is one.")]
        public string Model { get; init; } = "stories15m";

        [CommandOption("--clients <N>")]
        [Description("The high concurrency level (default 8): streaming clients, server slots and reference sequences. 1 is always measured too.")]
        public int? Clients { get; init; }

        [CommandOption("--seconds <T>")]
        [Description("Seconds of load for each side at each concurrency (default 20; 4 with --quick).")]
        public int? Seconds { get; init; }

        [CommandOption("--max-tokens <N>")]
        [Description("Tokens per request (default 64).")]
        public int MaxTokens { get; init; } = 64;

        public override ValidationResult Validate() =>
            Clients is < 1 or > 256 ? ValidationResult.Error("--clients must be between 1 and 256")
            : Seconds is < 1 or > 600 ? ValidationResult.Error("--seconds must be between 1 and 600")
            : MaxTokens is < 1 or > 1024 ? ValidationResult.Error("--max-tokens must be between 1 and 1024")
            : ValidationResult.Success();
    }

    /// <summary>One measured path at one concurrency.</summary>
    sealed record Side(string Name, int Concurrency, Func<LoadOptions, int, CancellationToken, Task<LoadResult>> Run)
    {
        public LoadResult Result { get; set; } = LoadResult.Empty;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var high = settings.Clients ?? 8;
        var load = new LoadOptions
        {
            Duration = TimeSpan.FromSeconds(settings.Seconds ?? (settings.Quick ? 4 : 20)),
            MaxTokens = settings.MaxTokens,
        };
        var levels = high == 1 ? new[] { 1 } : [1, high];
        Console.Error.WriteLine($"bench serve: {settings.Model} on llama.cpp, concurrency {string.Join(" and ", levels)}, {load.Duration.TotalSeconds:0} s per side each, {load.MaxTokens} tokens per request");
        using var batched = await ServeEngines.LoadAsync(settings.Model, "llamacpp", null, high, batch: true, cancellationToken);
        using var unbatched = await ServeEngines.LoadAsync(settings.Model, "llamacpp", null, high, batch: false, cancellationToken);
        var reference = new LlamaCppChatClient(((LlamaCppChatClient)batched.Model.Chat).Model);
        var serverOptions = new ServerOptions { Host = "127.0.0.1", Port = 0, Parallel = high, QueueLimit = high };
        await using var batchedServer = await LlamaDuoServer.StartAsync(batched.Model, serverOptions, cancellationToken);
        await using var unbatchedServer = await LlamaDuoServer.StartAsync(unbatched.Model, serverOptions, cancellationToken);
        using var batchedHttp = Client(batchedServer, high);
        using var unbatchedHttp = Client(unbatchedServer, high);
        static long Seed(int client, int sequence) => client * 100_000L + sequence;

        Side Http(string name, int c, HttpClient http, string model) => new(name, c, (round, _, ct) =>
            LoadGenerator.RunAsync(round with { Clients = c }, (client, sequence, t) =>
                StreamingRequests.OverHttpAsync(http, model, round, Seed(client, sequence), t), ct));
        var sides = levels.SelectMany(c => new[]
        {
            new Side("llama.cpp batched reference", c, (round, r, ct) => BatchedReferenceLoad.RunAsync(reference, round, c, r * 1000, ct)),
            Http("server, batched (now)", c, batchedHttp, batched.Model.Id),
            Http("server, context per request (before)", c, unbatchedHttp, unbatched.Model.Id),
        }).ToList();

        // Warm-up outside the measurement: first-call costs (native init, JIT, contexts) would otherwise land on one side only.
        foreach (var side in sides) await side.Run(load with { Duration = TimeSpan.FromMilliseconds(200), MaxTokens = 8 }, 0, cancellationToken);

        // Short alternating rounds, the order rotating each round, so every side sees the same background load.
        var rounds = settings.Quick ? 2 : 4;
        var round = load with { Duration = load.Duration / rounds };
        for (var r = 0; r < rounds; r++)
        {
            Console.Error.WriteLine($"round {r + 1}/{rounds}");
            for (var k = 0; k < sides.Count; k++)
            {
                var side = sides[(k + r) % sides.Count];
                side.Result = side.Result.Plus(await side.Run(round, r + 1, cancellationToken));
            }
        }
        await batchedServer.StopAsync(cancellationToken);
        await unbatchedServer.StopAsync(cancellationToken);

        var peakRssMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        Print(sides, levels, ((LlamaCppChatClient)batched.Model.Chat).Scheduler!, peakRssMb);
        return 0;
    }

    static HttpClient Client(LlamaDuoServer server, int clients) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 }) { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(5) };

    static void Print(List<Side> sides, int[] levels, LlamaCppBatchScheduler scheduler, double peakRssMb)
    {
        var table = new Table().AddColumns("path", "C", "requests", "tokens", "seconds", "tokens/s", "/ reference", "TTFT p50 ms", "TTFT p99 ms", "errors");
        LoadResult Of(int side, int c) => sides.Single(s => s.Concurrency == c && s.Name == sides[side].Name).Result;
        foreach (var side in sides)
        {
            var r = side.Result;
            var bar = Of(0, side.Concurrency);
            table.AddRow(side.Name, side.Concurrency.ToString(), r.Requests.ToString(), r.Tokens.ToString(), F(r.Elapsed.TotalSeconds),
                F(r.TokensPerSecond), F(r.TokensPerSecond / Math.Max(bar.TokensPerSecond, 1e-9)), F(r.TtftP50Ms), F(r.TtftP99Ms), r.Errors.ToString());
        }
        AnsiConsole.Write(table);
        foreach (var side in sides.Where(s => s.Result.FirstError is not null))
            Console.Error.WriteLine($"first error ({side.Name}, C={side.Concurrency}): {side.Result.FirstError}");
        Console.WriteLine($"the batched server's decodes carried {(double)scheduler.SequenceSteps / Math.Max(scheduler.Decodes, 1):0.00} sequences on average ({scheduler.Decodes} decodes)");
        // On a shared machine the background load decides the absolute figures; print it beside them.
        if (File.Exists("/proc/loadavg")) Console.WriteLine($"load average (1/5/15 min) at the end: {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))} on {Environment.ProcessorCount} cores");

        int hi = levels[^1];
        LoadResult reference = Of(0, hi), served = Of(1, hi), before = Of(2, hi), reference1 = Of(0, 1), served1 = Of(1, 1), before1 = Of(2, 1);
        Console.WriteLine($"serve/llamacpp = {F(served.TokensPerSecond / reference.TokensPerSecond)} at C={hi} (aim >= 0.80), {F(served1.TokensPerSecond / reference1.TokensPerSecond)} at C=1; peak RSS {F(peakRssMb)} MB for the whole process");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"serve_tps={served.TokensPerSecond:0.0} llamacpp_tps={reference.TokensPerSecond:0.0} serve_over_llamacpp={served.TokensPerSecond / reference.TokensPerSecond:0.00} " +
            $"serve_c1_tps={served1.TokensPerSecond:0.0} llamacpp_c1_tps={reference1.TokensPerSecond:0.0} serve_over_llamacpp_c1={served1.TokensPerSecond / reference1.TokensPerSecond:0.00} " +
            $"unbatched_tps={before.TokensPerSecond:0.0} unbatched_over_llamacpp={before.TokensPerSecond / reference.TokensPerSecond:0.00} " +
            $"unbatched_c1_tps={before1.TokensPerSecond:0.0} unbatched_over_llamacpp_c1={before1.TokensPerSecond / reference1.TokensPerSecond:0.00} " +
            $"ttft_p50_ms={served.TtftP50Ms:0.0} ttft_p99_ms={served.TtftP99Ms:0.0} errors={sides.Sum(s => s.Result.Errors)} clients={hi} peak_rss_mb={peakRssMb:0}"));
    }

    static string F(double value) => value.ToString("0.0#", CultureInfo.InvariantCulture);
}
