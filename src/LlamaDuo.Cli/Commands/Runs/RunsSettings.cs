using System.ComponentModel;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Runs;

/// <summary>Options of `llamaduo runs`.</summary>
internal sealed class RunsSettings : CommandSettings
{
    [CommandOption("--root <DIR>")]
    [Description("Folder that holds the run folders (default ./runs).")]
    public string Root { get; init; } = LlamaDuo.Pipeline.Runs.RunIndex.DefaultRoot;

    [CommandOption("--store <CONNECTION>")]
    [Description("List every run in a shared PostgreSQL store instead (an Npgsql connection string without password; the password comes from PGPASSWORD or ~/.pgpass).")]
    public string? Store { get; init; }
}
