using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands;

/// <summary>`llamaduo version`.</summary>
internal sealed class VersionCommand : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellationToken)
    {
        Console.WriteLine(typeof(VersionCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
        return 0;
    }
}
