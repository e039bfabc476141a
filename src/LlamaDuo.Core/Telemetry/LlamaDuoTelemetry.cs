using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlamaDuo.Core.Telemetry;

/// <summary>
/// The names LlamaDuo's traces and metrics go out under (docs/telemetry.md). Everything is plain
/// System.Diagnostics: with no listener (no OTEL_EXPORTER_OTLP_ENDPOINT, no test exporter) StartActivity returns null
/// and instruments record nothing, so telemetry that is off costs a null check.
/// </summary>
public static class LlamaDuoTelemetry
{
    /// <summary>Run and stage spans, training metrics.</summary>
    public const string SourceName = "LlamaDuo";

    /// <summary>Service-LLM calls: Microsoft.Extensions.AI's OpenTelemetry chat client (GenAI semantic conventions) under this source and meter.</summary>
    public const string ServiceSourceName = "LlamaDuo.Service";

    /// <summary>The `serve` metrics meter.</summary>
    public const string ServerMeterName = "LlamaDuo.Server";

    /// <summary>The attribute a service-LLM call's dollars go in (from the ledger's price table; 0 for a cache hit).</summary>
    public const string CostAttribute = "llamaduo.cost.usd";

    /// <summary>Run and stage spans.</summary>
    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>Training metrics.</summary>
    public static Meter Meter { get; } = new(SourceName);

    static readonly Gauge<double> TrainLoss = Meter.CreateGauge<double>("llamaduo.train.loss", description: "Training loss on assistant tokens at the last optimizer step.");
    static readonly Gauge<double> TrainTokensPerSecond = Meter.CreateGauge<double>("llamaduo.train.tokens_per_second", "{token}/s", "Training throughput.");

    /// <summary>Records one training progress report of round <paramref name="round"/>.</summary>
    public static void RecordTraining(int round, double loss, double tokensPerSecond)
    {
        var tag = new KeyValuePair<string, object?>("llamaduo.round", round);
        if (double.IsFinite(loss)) TrainLoss.Record(loss, tag);
        if (double.IsFinite(tokensPerSecond) && tokensPerSecond > 0) TrainTokensPerSecond.Record(tokensPerSecond, tag);
    }

    /// <summary>Starts a stage span ("stage train"), a child of the current run span; null when nobody listens.</summary>
    public static Activity? StartStage(int round, string stage, Func<string> runId)
    {
        if (!Source.HasListeners()) return null;
        var activity = Source.StartActivity($"stage {stage}");
        activity?.SetTag("llamaduo.stage", stage);
        activity?.SetTag("llamaduo.round", round);
        activity?.SetTag("llamaduo.run.id", runId());
        return activity;
    }

    /// <summary>Marks a span failed with the exception's message (OpenTelemetry's error status).</summary>
    public static void Fail(Activity? activity, Exception e)
    {
        if (activity is null) return;
        activity.SetStatus(ActivityStatusCode.Error, e.Message);
        activity.SetTag("error.type", e.GetType().FullName);
    }
}
