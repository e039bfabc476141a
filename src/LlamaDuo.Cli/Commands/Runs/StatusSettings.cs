namespace LlamaDuo.Cli.Commands.Runs;

/// <summary>Options of `llamaduo status RUN`.</summary>
public sealed class StatusSettings : RunArgumentSettings;
