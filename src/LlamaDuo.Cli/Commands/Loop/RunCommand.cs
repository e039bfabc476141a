using System.ComponentModel;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Loop;

/// <summary>`llamaduo run CONFIG [--run-dir DIR] [--resume]`: the whole LlamaDuo loop for one migration.</summary>
internal sealed class RunCommand : AsyncCommand<RunCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[CONFIG]")]
        [Description("The migration's YAML config (see docs/pipeline.md). With --resume it may be left out.")]
        public string? Config { get; init; }

        [CommandOption("--run-dir <DIR>")]
        [Description("Run folder (default: runs/<time>-<task>).")]
        public string? RunDir { get; init; }

        [CommandOption("--init")]
        [Description("Only create the run folder (config, data split) and stop; then run single steps: train, infer, judge, synth --run DIR.")]
        public bool Init { get; init; }

        [CommandOption("--resume")]
        [Description("Continue the run in --run-dir after a crash or a stop; stages already done are skipped.")]
        public bool Resume { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Resume && settings.RunDir is null)
            throw new InputException("--resume needs --run-dir DIR (the run folder to continue)", field: "--run-dir");
        if (settings.RunDir is not null) RunDirOption.Check(settings.RunDir, "--run-dir", mustExist: settings.Resume);
        LlamaDuoConfig config;
        if (settings.Resume && settings.Config is null)
            config = LlamaDuoConfig.Load(new RunFolder(Path.GetFullPath(settings.RunDir!)).ConfigPath);
        else if (settings.Config is null)
            throw new InputException("pass the config file: llamaduo run CONFIG", field: "CONFIG");
        else
            config = LlamaDuoConfig.Load(settings.Config);

        var runDir = settings.RunDir ?? Path.Combine("runs", RunFolder.NewId(config.Task.Name, DateTimeOffset.UtcNow));
        // A folder whose first attempt stopped before any stage finished holds nothing to keep: the same command starts it again.
        if (!settings.Resume && RunStore.HoldsProgress(Path.GetFullPath(runDir)))
            throw new InputException("the run folder already holds a run; pass --resume to continue it, or choose another --run-dir", runDir);
        var outcome = await MigrationLoop.RunAsync(config, runDir, Console.Out, cancellationToken, settings.Init ? LoopStage.Ingest : null);
        if (settings.Init)
        {
            Console.WriteLine($"run folder ready: {Path.GetFullPath(runDir)}; next: llamaduo train --run {runDir}");
            return 0;
        }
        LoopSummary.Print(outcome);
        return outcome.Passed ? 0 : 3;
    }
}
