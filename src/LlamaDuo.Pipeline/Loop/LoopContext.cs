using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Service.Ledger;
using LlamaDuo.Service.Providers;
using LlamaDuo.Torch.Training;
using Microsoft.Extensions.AI;

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
    public LoopStage? OnlyStage { get; init; }

    /// <summary>
    /// The service check (<see cref="Loop.Preflight"/>) to run before the first stage this process runs; a run with
    /// every stage done (a finished run resumed) calls nothing.
    /// </summary>
    public Func<LoopContext, Task>? Preflight { get; init; }

    /// <summary>
    /// Trains one round in place of the backend student.backend names (tests stub the trainer here); null: ours or
    /// the external launcher.
    /// </summary>
    internal Func<TrainJob, CancellationToken, Task<TrainResult>>? Trainer { get; init; }

    /// <summary>The client of inference.engine remote, made from the inference options (tests give a fake student here).</summary>
    internal Func<InferenceOptions, IChatClient> RemoteStudent { get; init; } = ChatClientGeneration.Remote;

    bool _preflightDone;

    async Task PreflightOnceAsync(int round)
    {
        if (_preflightDone || Preflight is null) return;
        CallRecorder.Enter(round, LoopStage.Preflight);
        await Preflight(this);
        _preflightDone = true;
    }

    /// <summary>True once <see cref="OnlyStage"/> has run in this process: the loop then stops.</summary>
    public bool RanOnlyStage { get; private set; }

    /// <summary>The running stage's progress for `llamaduo ui` (progress.json, throttled).</summary>
    public Runs.RunProgressWriter Progress { get; } = new(store.Folder);

    /// <summary>One progress line: "[round 01 judge] message".</summary>
    public void Say(int round, LoopStage stage, string message) =>
        Log.WriteLine($"[round {round:00} {stage.Name(),-6}] {message}");

    /// <summary>
    /// Runs a stage once: skipped when the run store says it is done and the files it left are intact (their sizes
    /// and SHA-256 are recorded when it finishes; that is how --resume avoids repeating work and never trusts a
    /// damaged adapter or model), marked failed with the error when it throws. Service calls made meanwhile reach the run store as they are
    /// answered, attributed to this stage (see <see cref="CallRecorder"/>).
    /// </summary>
    public async Task<bool> StageAsync(int round, LoopStage stage, Func<Task<IReadOnlyList<string>>> body)
    {
        var name = stage.Name();
        if (Store.IsStageDone(round, name))
        {
            // A done stage is only as good as the files it left: one missing or damaged since, and the stage runs again.
            if (Artifact.FirstProblem(Folder.Root, Store.Artifacts(round, name)) is not { } problem)
            {
                Say(round, stage, "done earlier; skipped");
                return false;
            }
            Say(round, stage, $"done earlier, but {problem}: running it again");
            Store.FailStage(round, name, problem);
        }
        if (OnlyStage is not null && OnlyStage != stage)
            throw new Core.Errors.InputException(
                $"round {round}'s {name} stage has not run yet; run `llamaduo {name} --run {Folder.Root}` first", Folder.Root, field: name);
        await PreflightOnceAsync(round);
        using var span = Core.Telemetry.LlamaDuoTelemetry.StartStage(round, name, () => Store.Run.Id);
        Store.TryStartStage(round, name);
        CallRecorder.Enter(round, stage);
        try
        {
            var outputs = (await body()).Select(o => Path.GetRelativePath(Folder.Root, o)).ToList();
            Store.RecordArtifacts(round, name, Artifact.Measure(Folder.Root, outputs));
            Store.CompleteStage(round, name, outputs);
            RanOnlyStage |= stage == OnlyStage;
            return true;
        }
        catch (Exception e)
        {
            Core.Telemetry.LlamaDuoTelemetry.Fail(span, e);
            Store.FailStage(round, name, e.Message);
            throw;
        }
    }
}
