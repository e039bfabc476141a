using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Cost;

/// <summary>
/// What the migration itself cost, once: the service LLM's dollars for synthesis and judging (from the ledger's roll-up
/// in the run store, batch prices included) and the student machine's time spent training (the train stages' wall time).
/// </summary>
public sealed record MigrationSpend(decimal SynthesisDollars, long SynthesisTokens, decimal JudgingDollars, long JudgingTokens,
    decimal OtherServiceDollars, double TrainingSeconds)
{
    /// <summary>All service tokens of the migration, prompt and completion apart (for repricing a free stand-in's calls).</summary>
    public (long Input, long Output) ServiceTokens { get; init; }

    /// <summary>What the migration's service tokens would cost at <paramref name="price"/> (list price).</summary>
    public decimal ServiceDollarsAt(LlamaDuo.Service.Providers.ModelPrice price) => price.Cost(ServiceTokens.Input, ServiceTokens.Output);

    /// <summary>The training time priced at the student machine's rate.</summary>
    public decimal TrainingDollars(MachinePrice machine) => (decimal)TrainingSeconds / 3600m * machine.PerHour;

    /// <summary>Service dollars plus training time.</summary>
    public decimal Total(MachinePrice machine) => SynthesisDollars + JudgingDollars + OtherServiceDollars + TrainingDollars(machine);

    /// <summary>Reads the spend from a run store: costs per stage (synth, judge, anything else that called the service) and the train stages' time.</summary>
    public static MigrationSpend From(RunStore store)
    {
        var costs = store.Costs();
        decimal Dollars(Func<StageCost, bool> which) => (decimal)costs.Where(which).Sum(c => c.Dollars);
        long Tokens(Func<StageCost, bool> which) => costs.Where(which).Sum(c => c.InputTokens + c.OutputTokens);
        bool IsSynth(StageCost c) => c.Stage == LoopStage.Synth.Name();
        bool IsJudge(StageCost c) => c.Stage == LoopStage.Judge.Name();
        var training = store.Stages().Where(s => s.Name == LoopStage.Train.Name() && s.Started is not null && s.Ended is not null)
            .Sum(s => (s.Ended!.Value - s.Started!.Value).TotalSeconds);
        return new MigrationSpend(Dollars(IsSynth), Tokens(IsSynth), Dollars(IsJudge), Tokens(IsJudge),
            Dollars(c => !IsSynth(c) && !IsJudge(c)), training)
        {
            ServiceTokens = (costs.Sum(c => c.InputTokens), costs.Sum(c => c.OutputTokens)),
        };
    }
}
