namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// The steps of the loop, in the order a round runs them. <see cref="LoopStages.Name"/> is how each is written in
/// run.db (table stages, calls), ledger.jsonl, the console ("[round 01 judge ]") and the single-step commands
/// (`llamaduo judge --run DIR`): those strings are part of every existing run and must not change.
/// </summary>
public enum LoopStage
{
    /// <summary>Read, split and record the coverage data (round 0 only).</summary>
    Ingest,
    /// <summary>The service LLM writes new rows from train seeds; dedup and decontamination (rounds 1 and later).</summary>
    Synth,
    /// <summary>Fine-tune the student.</summary>
    Train,
    /// <summary>The student answers the test prompts.</summary>
    Infer,
    /// <summary>The service LLM (or a programmatic metric) scores the answers.</summary>
    Judge,
    /// <summary>The judged round against the pass rule and the budgets; printed, not a row in the stages table.</summary>
    Decide,
    /// <summary>The best round written in the deployable formats, with the parity check.</summary>
    Export,
    /// <summary>The one-token check of every service before the first stage; its calls are attributed to it.</summary>
    Preflight,
}

/// <summary>Names of the loop's stages as run folders, logs and commands spell them.</summary>
public static class LoopStages
{
    /// <summary>The stages a single-step command can run (`llamaduo run --init`, `train|infer|judge|synth --run DIR`).</summary>
    public static readonly IReadOnlyList<LoopStage> SingleSteps = [LoopStage.Ingest, LoopStage.Train, LoopStage.Infer, LoopStage.Judge, LoopStage.Synth];

    /// <summary>The stage's name in run.db, ledger.jsonl, console prefixes and commands.</summary>
    public static string Name(this LoopStage stage) => stage switch
    {
        LoopStage.Ingest => "ingest",
        LoopStage.Synth => "synth",
        LoopStage.Train => "train",
        LoopStage.Infer => "infer",
        LoopStage.Judge => "judge",
        LoopStage.Decide => "decide",
        LoopStage.Export => "export",
        LoopStage.Preflight => "preflight",
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, null),
    };
}
