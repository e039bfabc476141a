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

    /// <summary>
    /// The service check (<see cref="Loop.Preflight"/>) to run before the first stage this process runs; a run with
    /// every stage done (a finished run resumed) calls nothing.
    /// </summary>
    public Func<LoopContext, Task>? Preflight { get; init; }

    bool _preflightDone;

    async Task PreflightOnceAsync(int round)
    {
        if (_preflightDone || Preflight is null) return;
        CallRecorder.Enter(round, "preflight");
        await Preflight(this);
        _preflightDone = true;
    }

    /// <summary>True once <see cref="OnlyStage"/> has run in this process: the loop then stops.</summary>
    public bool RanOnlyStage { get; private set; }

    /// <summary>The running stage's progress for `llamaduo ui` (progress.json, throttled).</summary>
    public Runs.RunProgressWriter Progress { get; } = new(store.Folder);

    /// <summary>One progress line: "[round 01 judge] message".</summary>
    public void Say(int round, string stage, string message) =>
        Log.WriteLine($"[round {round:00} {stage,-6}] {message}");

    /// <summary>
    /// Runs a stage once: skipped when the run store says it is done and the files it left are intact (their sizes
    /// and SHA-256 are recorded when it finishes; that is how --resume avoids repeating work and never trusts a
    /// damaged adapter or model), marked failed with the error when it throws. Service calls made meanwhile reach the run store as they are
    /// answered, attributed to this stage (see <see cref="CallRecorder"/>).
    /// </summary>
    public async Task<bool> StageAsync(int round, string stage, Func<Task<IReadOnlyList<string>>> body)
    {
        if (Store.IsStageDone(round, stage))
        {
            // A done stage is only as good as the files it left: one missing or damaged since, and the stage runs again.
            if (Artifact.FirstProblem(Folder.Root, Store.Artifacts(round, stage)) is not { } problem)
            {
                Say(round, stage, "done earlier; skipped");
                return false;
            }
            Say(round, stage, $"done earlier, but {problem}: running it again");
            Store.FailStage(round, stage, problem);
        }
        if (OnlyStage is not null && OnlyStage != stage)
            throw new Core.Errors.InputException(
                $"round {round}'s {stage} stage has not run yet; run `llamaduo {stage} --run {Folder.Root}` first", Folder.Root, field: stage);
        await PreflightOnceAsync(round);
        using var span = Core.Telemetry.LlamaDuoTelemetry.StartStage(round, stage, () => Store.Run.Id);
        Store.TryStartStage(round, stage);
        CallRecorder.Enter(round, stage);
        try
        {
            var outputs = (await body()).Select(o => Path.GetRelativePath(Folder.Root, o)).ToList();
            Store.RecordArtifacts(round, stage, Artifact.Measure(Folder.Root, outputs));
            Store.CompleteStage(round, stage, outputs);
            RanOnlyStage |= stage == OnlyStage;
            return true;
        }
        catch (Exception e)
        {
            Core.Telemetry.LlamaDuoTelemetry.Fail(span, e);
            Store.FailStage(round, stage, e.Message);
            throw;
        }
    }
}
