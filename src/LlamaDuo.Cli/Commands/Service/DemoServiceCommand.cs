using System.ComponentModel;
using System.Runtime.InteropServices;
using LlamaDuo.Core.Errors;
using LlamaDuo.Service.Demo.Host;
using LlamaDuo.Service.Demo.Responders;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Service;

/// <summary>
/// <c>llamaduo demo-service</c>: runs the demo service, a deterministic OpenAI-compatible stand-in for the service
/// LLM (not a language model), on loopback until Ctrl+C.
/// </summary>
internal sealed class DemoServiceCommand : AsyncCommand<DemoServiceCommand.Settings>
{
    /// <summary>Options of <c>llamaduo demo-service</c>.</summary>
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--port <P>")]
        [Description("Loopback port to listen on (0 = any free port). Default 8089.")]
        public int Port { get; init; } = 8089;

        [CommandOption("--latency-ms <L>")]
        [Description("Delay before each answer, to play a remote service's latency. Default 0.")]
        public int LatencyMs { get; init; }

        [CommandOption("--faults <SPEC>")]
        [Description("Fault rates per request, e.g. 429:0.1,500:0.05,timeout:0.02,garbage:0.05,truncated:0.05,prose:0.02.")]
        public string? Faults { get; init; }

        [CommandOption("--seed <S>")]
        [Description("Seed of the fault draws. Default 1.")]
        public int Seed { get; init; } = 1;

        [CommandOption("--retry-after-s <S>")]
        [Description("Retry-After seconds sent with an injected 429. Default 1.")]
        public int RetryAfterS { get; init; } = 1;

        [CommandOption("--batch-step-ms <MS>")]
        [Description("Batch endpoints: time each batch phase takes (validating, in_progress, finalizing). Default 100.")]
        public int BatchStepMs { get; init; } = 100;

        [CommandOption("--batch-fail-rate <R>")]
        [Description("Batch endpoints: share of lines that fail (error-file lines / errored results), 0..1. Default 0.")]
        public double BatchFailRate { get; init; }
    }

    /// <inheritdoc/>
    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Port is < 0 or > 65535) throw new InputException("the port must be in 0..65535", field: "--port", value: settings.Port.ToString());
        if (settings.LatencyMs < 0) throw new InputException("the latency must be >= 0", field: "--latency-ms", value: settings.LatencyMs.ToString());
        if (settings.BatchStepMs < 0) throw new InputException("the batch step must be >= 0", field: "--batch-step-ms", value: settings.BatchStepMs.ToString());
        if (settings.BatchFailRate is < 0 or > 1)
            throw new InputException("the batch fail rate must be in 0..1", field: "--batch-fail-rate", value: settings.BatchFailRate.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var batches = new DemoBatchOptions { StepMs = settings.BatchStepMs, FailRate = settings.BatchFailRate };
        var options = new DemoServiceOptions
        {
            Port = settings.Port,
            LatencyMs = settings.LatencyMs,
            Faults = FaultSpec.Parse(settings.Faults),
            Seed = settings.Seed,
            RetryAfterS = Math.Max(0, settings.RetryAfterS),
        };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Ctrl+C, SIGINT and SIGTERM all end the wait below so the final stats line is printed.
        using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

        await using var demo = await DemoService.StartAsync(options, [new DemoJudgeResponder(), new DemoSynthesisResponder()], stop.Token, batches);
        Console.WriteLine($"llamaduo demo service (a deterministic stand-in, NOT a language model) on {demo.BaseUrl}");
        Console.WriteLine($"model id {DemoServiceOptions.ModelId}; latency {options.LatencyMs} ms; faults {settings.Faults ?? "none"}; Ctrl+C stops it");
        Console.WriteLine("routes: POST /v1/chat/completions, GET /v1/models, GET /health, GET /stats; batches: POST /v1/files, " +
            "GET /v1/files/{id}[/content], POST /v1/batches, GET /v1/batches/{id} (OpenAI), POST /v1/messages/batches, " +
            "GET /v1/messages/batches/{id}[/results] (Anthropic)");
        await Task.WhenAny(Task.Delay(Timeout.Infinite, stop.Token), demo.WaitForShutdownAsync(stop.Token));
        Console.WriteLine($"stopped after {demo.Stats.ChatRequests} chat requests and {demo.Stats.BatchesCreated} batches: " +
            string.Join(", ", demo.Stats.ByOutcome.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}")));
        return 0;
    }
}
