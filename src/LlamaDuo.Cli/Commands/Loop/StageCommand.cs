using System.ComponentModel;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Loop;

/// <summary>Options of the single-step commands: the run folder.</summary>
internal sealed class StageSettings : CommandSettings
{
    [CommandOption("--run <DIR>")]
    [Description("The run folder (made by `llamaduo run`); the next pending round's stage runs.")]
    public string Run { get; init; } = "";
}

/// <summary>
/// `llamaduo infer|judge|synth --run DIR` (and `train --run DIR`): one stage of the loop for users who want single
/// steps. The stage runs for the first round where it is not done; stages before it must be done already.
/// </summary>
internal abstract class StageCommand(LoopStage stage) : AsyncCommand<StageSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, StageSettings settings, CancellationToken cancellationToken) =>
        RunStageAsync(stage, settings.Run, cancellationToken);

    /// <summary>Runs <paramref name="stage"/> in the run folder with its saved config and prints where the run stands.</summary>
    public static async Task<int> RunStageAsync(LoopStage stage, string runDir, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(runDir)) throw new Core.Errors.InputException($"pass the run folder: llamaduo {stage.Name()} --run DIR", field: "--run");
        var folder = new RunFolder(Path.GetFullPath(runDir));
        var config = LlamaDuoConfig.Load(folder.ConfigPath);
        var outcome = await MigrationLoop.RunAsync(config, folder.Root, Console.Out, ct, onlyStage: stage);
        // A single step pauses the run: say where it stands; a step that finished the run (its last judge) says so too.
        Console.WriteLine(outcome.SingleStep is null ? $"run ended: {outcome.StopReason}" : outcome.StopReason);
        return 0;
    }
}

internal sealed class InferStageCommand() : StageCommand(LoopStage.Infer);

internal sealed class JudgeStageCommand() : StageCommand(LoopStage.Judge);

internal sealed class SynthStageCommand() : StageCommand(LoopStage.Synth);
