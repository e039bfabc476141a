using LlamaDuo.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlamaDuo.Cli;

/// <summary>
/// Exports LlamaDuo's traces and metrics by OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads that and
/// the other standard OTEL_EXPORTER_OTLP_* variables itself); otherwise nothing is built and nothing listens, so the
/// activity sources and meters stay off at no cost.
/// </summary>
internal static class OtlpTelemetry
{
    /// <summary>The providers to dispose (flushing what is buffered) at exit, or null when telemetry is off.</summary>
    public static IDisposable? StartFromEnvironment()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"))) return null;
        var resource = ResourceBuilder.CreateDefault().AddService("llamaduo", serviceVersion: typeof(OtlpTelemetry).Assembly.GetName().Version?.ToString());
        var traces = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource)
            .AddSource(LlamaDuoTelemetry.SourceName, LlamaDuoTelemetry.ServiceSourceName)
            .AddOtlpExporter().Build();
        var metrics = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource)
            .AddMeter(LlamaDuoTelemetry.SourceName, LlamaDuoTelemetry.ServiceSourceName, LlamaDuoTelemetry.ServerMeterName)
            .AddOtlpExporter().Build();
        return new Both(traces, metrics);
    }

    sealed class Both(TracerProvider traces, MeterProvider metrics) : IDisposable
    {
        public void Dispose()
        {
            traces.Dispose();
            metrics.Dispose();
        }
    }
}
