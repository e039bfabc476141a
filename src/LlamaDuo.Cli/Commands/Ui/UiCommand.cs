using System.ComponentModel;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Ui;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Ui;

/// <summary>Options of `llamaduo ui`.</summary>
internal sealed class UiSettings : CommandSettings
{
    [CommandOption("--root <DIR>")]
    [Description("Folder that holds the run folders (default ./runs).")]
    public string Root { get; init; } = LlamaDuo.Pipeline.Runs.RunIndex.DefaultRoot;

    [CommandOption("--port <PORT>")]
    [Description("Loopback port (default 8765; 0 picks a free one).")]
    public int Port { get; init; } = 8765;
}

/// <summary>`llamaduo ui`: serves the read-only run pages on 127.0.0.1 until Ctrl+C.</summary>
internal sealed class UiCommand : AsyncCommand<UiSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, UiSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Port is < 0 or > 65535) throw new InputException("must be 0..65535", field: "--port", value: settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!Directory.Exists(settings.Root))
            Console.Error.WriteLine($"note: {Path.GetFullPath(settings.Root)} does not exist yet; runs appear as they are created there");
        await using var ui = await RunsUi.StartAsync(new UiOptions { Root = settings.Root, Port = settings.Port }, cancellationToken);
        Console.WriteLine($"llamaduo ui: {ui.Url} (read-only, loopback only; runs under {Path.GetFullPath(settings.Root)}); Ctrl+C stops it");
        await ui.WaitForShutdownAsync(cancellationToken);
        return 0;
    }
}
