using System.Diagnostics;
using LlamaDuo.Core.Telemetry;
using Microsoft.Extensions.AI;

namespace LlamaDuo.Service.Middleware;

/// <summary>
/// Service-LLM telemetry: Microsoft.Extensions.AI's OpenTelemetry chat client outermost (one "chat MODEL" span per
/// call with the GenAI semantic conventions: gen_ai.request.model, gen_ai.usage.input_tokens / output_tokens, and
/// the gen_ai.client.* metrics), and the ledger adds the call's dollars, stage and cache hit to that span.
/// </summary>
internal static class ServiceTelemetry
{
    /// <summary>Adds the OpenTelemetry chat client under <see cref="LlamaDuoTelemetry.ServiceSourceName"/>; prompts and answers are not recorded.</summary>
    public static ChatClientBuilder UseServiceTelemetry(this ChatClientBuilder builder) =>
        builder.UseOpenTelemetry(sourceName: LlamaDuoTelemetry.ServiceSourceName, configure: c => c.EnableSensitiveData = false);

    /// <summary>Tags the current service-call span (if one is being recorded) with the ledger's view of the call.</summary>
    public static void TagCost(decimal? dollars, string stage, bool cacheHit)
    {
        var span = Activity.Current;
        if (span is null || !span.IsAllDataRequested || span.Source.Name != LlamaDuoTelemetry.ServiceSourceName) return;
        if (dollars is { } d) span.SetTag(LlamaDuoTelemetry.CostAttribute, (double)d);
        span.SetTag("llamaduo.stage", stage);
        span.SetTag("llamaduo.cache_hit", cacheHit);
    }
}
