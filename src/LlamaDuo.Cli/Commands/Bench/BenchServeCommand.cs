using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using LlamaDuo.Cli.Commands.Serve;
using LlamaDuo.Server;
using LlamaDuo.Server.Load;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Bench;

/// <summary>
/// <c>llamaduo bench serve</c>: the same closed-loop streaming load (N clients for T seconds, same prompts and seeds)
/// first straight into the llama.cpp engine, then through our HTTP server on loopback over that same engine, in one
/// process and one run. Reports aggregate tokens/s for both, time-to-first-token percentiles, errors and peak RSS.
/// </summary>
public sealed class BenchServeCommand : AsyncCommand<BenchServeCommand.Settings>
{
    /// <summary>Options of <c>llamaduo bench serve</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--quick")]
        [Description("Short run: 4 clients for 5 s each way (unless given explicitly).")]
        public bool Quick { get; init; }

        [CommandOption("--model <MODEL>")]
        [Description("Model to serve (default stories15m); exported to a temporary GGUF unless it is one.")]
        public string Model { get; init; } = "stories15m";

        [CommandOption("--clients <N>")]
        [Description("Concurrent streaming clients (default 8; 4 with --quick). The server runs that many generations at once.")]
        public int? Clients { get; init; }

        [CommandOption("--seconds <T>")]
        [Description("Seconds of load for each side (default 20; 5 with --quick).")]
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

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var load = new LoadOptions
        {
            Clients = settings.Clients ?? (settings.Quick ? 4 : 8),
            Duration = TimeSpan.FromSeconds(settings.Seconds ?? (settings.Quick ? 5 : 20)),
            MaxTokens = settings.MaxTokens,
        };
        Console.Error.WriteLine($"bench serve: {settings.Model} on llama.cpp, {load.Clients} streaming clients, {load.Duration.TotalSeconds:0} s each way, {load.MaxTokens} tokens per request");
        using var engine = await ServeEngines.LoadAsync(settings.Model, "llamacpp", null, cancellationToken);
        var model = engine.Model;
        static long Seed(int client, int sequence) => client * 100_000L + sequence;

        // Warm-up outside the measurement: first-call costs (native init, JIT) would otherwise land on one side only.
        await StreamingRequests.OverChatClientAsync(model.Chat, load with { MaxTokens = 8 }, 0, cancellationToken);

        // The two sides alternate in short rounds so that both see the same background load on a shared machine.
        var rounds = settings.Quick ? 4 : 6;
        var round = load with { Duration = load.Duration / rounds };
        var options = new ServerOptions { Host = "127.0.0.1", Port = 0, Parallel = load.Clients, QueueLimit = load.Clients };
        LoadResult direct = LoadResult.Empty, served = LoadResult.Empty;
        await using (var server = await LlamaDuoServer.StartAsync(model, options, cancellationToken))
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = load.Clients * 2 })
            {
                BaseAddress = server.BaseUrl,
                Timeout = TimeSpan.FromMinutes(5),
            };
            await StreamingRequests.OverHttpAsync(http, model.Id, load with { MaxTokens = 8 }, 0, cancellationToken);
            for (var r = 0; r < rounds; r++)
            {
                // Which side goes first alternates too, so neither always follows the other's warm caches or lull.
                Console.Error.WriteLine($"round {r + 1}/{rounds}: llama.cpp directly and through the server (HTTP + SSE on loopback), {(r % 2 == 0 ? "direct" : "server")} first");
                Task<LoadResult> Direct() => LoadGenerator.RunAsync(round, (client, sequence, ct) =>
                    StreamingRequests.OverChatClientAsync(model.Chat, round, Seed(client, sequence), ct), cancellationToken);
                Task<LoadResult> Served() => LoadGenerator.RunAsync(round, (client, sequence, ct) =>
                    StreamingRequests.OverHttpAsync(http, model.Id, round, Seed(client, sequence), ct), cancellationToken);
                if (r % 2 == 0)
                {
                    direct = direct.Plus(await Direct());
                    served = served.Plus(await Served());
                }
                else
                {
                    served = served.Plus(await Served());
                    direct = direct.Plus(await Direct());
                }
            }
            await server.StopAsync(cancellationToken);
        }

        var peakRssMb = Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024.0);
        Print(direct, served, peakRssMb);
        return 0;
    }

    static void Print(LoadResult direct, LoadResult served, double peakRssMb)
    {
        var table = new Table().AddColumns("", "requests", "tokens", "seconds", "tokens/s", "TTFT p50 ms", "TTFT p99 ms", "errors");
        foreach (var (name, r) in new[] { ("llama.cpp direct", direct), ("our server", served) })
            table.AddRow(name, r.Requests.ToString(), r.Tokens.ToString(), F(r.Elapsed.TotalSeconds), F(r.TokensPerSecond),
                F(r.TtftP50Ms), F(r.TtftP99Ms), r.Errors.ToString());
        AnsiConsole.Write(table);
        foreach (var r in new[] { direct, served }.Where(r => r.FirstError is not null))
            Console.Error.WriteLine($"first error: {r.FirstError}");
        // On a shared machine the background load decides the absolute figures; print it beside them.
        if (File.Exists("/proc/loadavg")) Console.WriteLine($"load average (1/5/15 min) at the end: {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))} on {Environment.ProcessorCount} cores");
        var ratio = served.TokensPerSecond / Math.Max(direct.TokensPerSecond, 1e-9);
        Console.WriteLine($"serve/llamacpp = {F(ratio)} (aim >= 0.80); peak RSS {F(peakRssMb)} MB for the whole process");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"serve_tps={served.TokensPerSecond:0.0} llamacpp_tps={direct.TokensPerSecond:0.0} ttft_p50_ms={served.TtftP50Ms:0.0} ttft_p99_ms={served.TtftP99Ms:0.0} errors={served.Errors + direct.Errors} peak_rss_mb={peakRssMb:0}"));
    }

    static string F(double value) => value.ToString("0.0#", CultureInfo.InvariantCulture);
}
