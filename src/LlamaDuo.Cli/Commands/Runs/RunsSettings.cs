using System.ComponentModel;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Runs;

/// <summary>Options of `llamaduo runs`.</summary>
public sealed class RunsSettings : CommandSettings
{
    [CommandOption("--root <DIR>")]
    [Description("Folder that holds the run folders (default ./runs).")]
    public string Root { get; init; } = LlamaDuo.Pipeline.Runs.RunIndex.DefaultRoot;
}
