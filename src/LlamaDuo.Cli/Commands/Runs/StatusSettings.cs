using System.ComponentModel;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Runs;

/// <summary>Options of `llamaduo status RUN`.</summary>
public sealed class StatusSettings : CommandSettings
{
    [CommandArgument(0, "<RUN>")]
    [Description("A run folder, or a run id under --root.")]
    public string Run { get; init; } = "";

    [CommandOption("--root <DIR>")]
    [Description("Folder that holds the run folders, for a run given by id (default ./runs).")]
    public string Root { get; init; } = LlamaDuo.Pipeline.Runs.RunIndex.DefaultRoot;
}
