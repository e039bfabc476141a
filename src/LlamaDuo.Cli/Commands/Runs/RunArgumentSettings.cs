using System.ComponentModel;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Runs;

/// <summary>The RUN argument of the commands that read one run (`status`, `cost`): a folder, or an id under --root.</summary>
public class RunArgumentSettings : CommandSettings
{
    [CommandArgument(0, "<RUN>")]
    [Description("A run folder, or a run id under --root.")]
    public string Run { get; init; } = "";

    [CommandOption("--root <DIR>")]
    [Description("Folder that holds the run folders, for a run given by id (default ./runs).")]
    public string Root { get; init; } = LlamaDuo.Pipeline.Runs.RunIndex.DefaultRoot;
}
