using System.ComponentModel;
using LlamaDuo.Pipeline.Quickstart;
using LlamaDuo.Pipeline.Store;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Loop;

/// <summary>`llamaduo quickstart [--dir DIR]`: the offline end-to-end migration on stories15M with the demo service.</summary>
internal sealed class QuickstartCommand : AsyncCommand<QuickstartCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--dir <DIR>")]
        [Description("Run folder (default: runs/<time>-quickstart). An existing quickstart folder is resumed.")]
        public string? Dir { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var dir = settings.Dir ?? Path.Combine("runs", RunFolder.NewId("quickstart", DateTimeOffset.UtcNow));
        RunDirOption.Check(dir, "--dir");
        Console.WriteLine($"LlamaDuo quickstart: story-QA task -> stories15M (LoRA), judged and synthesized by the demo service, in {dir}");
        var outcome = await QuickstartRun.RunAsync(dir, Console.Out, ct: cancellationToken);
        LoopSummary.Print(outcome);
        return outcome.Passed ? 0 : 3;
    }
}
