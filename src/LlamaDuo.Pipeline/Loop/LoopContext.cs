using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Ledger;
using LlamaDuo.Service.Providers;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>What every stage of one run needs: the resolved config, the run folder and store, the service client
/// (with its cache and ledger), where progress goes, and the clock the wall-time budget runs on.</summary>
public sealed class LoopContext(LlamaDuoConfig config, RunStore store, ServiceClient service, TextWriter log)
{
    public LlamaDuoConfig Config { get; } = config;
    public RunStore Store { get; } = store;
    public RunFolder Folder => Store.Folder;
    public ServiceClient Service { get; } = service;
    public CallLedger Ledger => Service.Ledger;
    public TextWriter Log { get; } = log;
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// For the single-step commands (`llamaduo train|infer|judge|synth --run DIR`): the one stage to run. Any other
    /// stage that is not done yet is refused with the command that runs it; the loop stops after this one.
    /// </summary>
    public string? OnlyStage { get; init; }

    /// <summary>True once <see cref="OnlyStage"/> has run in this process: the loop then stops.</summary>
    public bool RanOnlyStage { get; private set; }

    /// <summary>The running stage's progress for `llamaduo ui` (progress.json, throttled).</summary>
    public Runs.RunProgressWriter Progress { get; } = new(store.Folder);

    /// <summary>One progress line: "[round 01 judge] message".</summary>
    public void Say(int round, string stage, string message) =>
        Log.WriteLine($"[round {round:00} {stage,-6}] {message}");

    /// <summary>
    /// Runs a stage once: skipped when the run store says it is done (that is how --resume avoids repeating work),
    /// marked failed with the error when it throws. Service calls made meanwhile are copied into the run store.
    /// </summary>
    public async Task<bool> StageAsync(int round, string stage, Func<Task<IReadOnlyList<string>>> body)
    {
        if (!Store.TryStartStage(round, stage))
        {
            Say(round, stage, "done earlier; skipped");
            return false;
        }
        if (OnlyStage is not null && OnlyStage != stage)
            throw new Core.Errors.InputException(
                $"round {round}'s {stage} stage has not run yet; run `llamaduo {stage} --run {Folder.Root}` first", Folder.Root, field: stage);
        int ledgerStart = Ledger.Entries.Count;
        using var span = Core.Telemetry.LlamaDuoTelemetry.StartStage(round, stage, () => Store.Run.Id);
        try
        {
            var outputs = await body();
            RecordCalls(round, stage, ledgerStart);
            Store.CompleteStage(round, stage, outputs.Select(o => Path.GetRelativePath(Folder.Root, o)).ToList());
            RanOnlyStage |= stage == OnlyStage;
            return true;
        }
        catch (Exception e)
        {
            Core.Telemetry.LlamaDuoTelemetry.Fail(span, e);
            RecordCalls(round, stage, ledgerStart);
            Store.FailStage(round, stage, e.Message);
            throw;
        }
    }

    void RecordCalls(int round, string stage, int from)
    {
        var entries = Ledger.Entries;
        for (int i = from; i < entries.Count; i++)
        {
            var e = entries[i];
            Store.RecordCall(new CallRecord($"{e.Time:O}#{round}/{stage}/{i}", round, stage, e.Provider, e.Model,
                e.InputTokens, e.OutputTokens, (double)(e.Dollars ?? 0m), e.LatencyMs, e.Ok ? "ok" : "failed", e.CacheHit, e.Time, e.Batch));
        }
    }
}
