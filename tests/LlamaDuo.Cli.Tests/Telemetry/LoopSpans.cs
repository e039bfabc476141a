using System.Diagnostics;
using LlamaDuo.Core.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace LlamaDuo.Cli.Tests.Telemetry;

/// <summary>
/// Collects the loop's spans through OpenTelemetry's in-memory exporter while a run executes in this process, and
/// checks the tree: one "llamaduo run" root; under it one "stage NAME" span per stage and round the run executed;
/// under the judge and synth stages, one GenAI "chat MODEL" span per service call with its tokens and cost (the
/// preflight check's call, made before the first stage, hangs from the run span).
/// </summary>
public sealed class LoopSpans : IDisposable
{
    readonly LockedSpans _spans = new();
    readonly TracerProvider _provider;

    public LoopSpans() => _provider = Sdk.CreateTracerProviderBuilder()
        .AddSource(LlamaDuoTelemetry.SourceName, LlamaDuoTelemetry.ServiceSourceName).AddInMemoryExporter(_spans).Build();

    /// <summary>Flushes and checks the tree of the run whose folder is named <paramref name="runId"/>.</summary>
    public void AssertTree(string runId, IReadOnlyList<(int Round, string Stage)> expectedStages)
    {
        _provider.ForceFlush();
        var spans = _spans.Snapshot();
        // Other tests in this process may run loops too: keep this run's trace only.
        var root = Assert.Single(spans, s => s.DisplayName == "llamaduo run" && (string?)s.GetTagItem("llamaduo.run.id") == runId);
        var mine = spans.Where(s => s.TraceId == root.TraceId).ToList();
        var stages = mine.Where(s => s.DisplayName.StartsWith("stage ", StringComparison.Ordinal)).ToList();
        Assert.All(stages, s => Assert.Equal(root.SpanId, s.ParentSpanId));
        Assert.Equal(expectedStages.Select(e => $"{e.Round}/{e.Stage}").Order(),
            stages.Select(s => $"{s.GetTagItem("llamaduo.round")}/{s.GetTagItem("llamaduo.stage")}").Order());
        var calls = mine.Where(s => s.Source.Name == LlamaDuoTelemetry.ServiceSourceName).ToList();
        Assert.NotEmpty(calls);
        foreach (var call in calls)
        {
            // The preflight check runs before the first stage opens its span: its call hangs from the run.
            if ((string?)call.GetTagItem("llamaduo.stage") == "preflight")
            {
                Assert.Equal(root.SpanId, call.ParentSpanId);
                continue;
            }
            var parent = Assert.Single(stages, s => s.SpanId == call.ParentSpanId);
            Assert.Contains((string?)parent.GetTagItem("llamaduo.stage"), new[] { "judge", "synth", "export" });
            // The ledger's stage label; the export stage's parity check judges with the judge's label.
            var stage = (string?)parent.GetTagItem("llamaduo.stage");
            Assert.Equal(stage == "export" ? "judge" : stage, call.GetTagItem("llamaduo.stage"));
            Assert.NotNull(call.GetTagItem("gen_ai.request.model"));
            Assert.True(Convert.ToInt64(call.GetTagItem("gen_ai.usage.input_tokens")) > 0, call.DisplayName);
            Assert.NotNull(call.GetTagItem(LlamaDuoTelemetry.CostAttribute));
        }
        Assert.Contains(calls, c => (string?)c.GetTagItem("llamaduo.stage") == "judge");
        Assert.Contains(calls, c => (string?)c.GetTagItem("llamaduo.stage") == "synth");
    }

    public void Dispose() => _provider.Dispose();

    /// <summary>
    /// The exporter's list, locked on every add: spans of other tests' runs in this process keep arriving while one
    /// test copies it (a plain List copied during an add can throw or tear).
    /// </summary>
    sealed class LockedSpans : System.Collections.ObjectModel.Collection<Activity>
    {
        readonly Lock _gate = new();

        protected override void InsertItem(int index, Activity item) { lock (_gate) base.InsertItem(index, item); }
        protected override void ClearItems() { lock (_gate) base.ClearItems(); }
        protected override void RemoveItem(int index) { lock (_gate) base.RemoveItem(index); }
        protected override void SetItem(int index, Activity item) { lock (_gate) base.SetItem(index, item); }

        public List<Activity> Snapshot() { lock (_gate) return [.. this]; }
    }
}
