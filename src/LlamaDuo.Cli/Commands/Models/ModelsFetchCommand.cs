using System.ComponentModel;
using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Catalog;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Models;

/// <summary>`llamaduo models fetch stories15m`: downloads a catalogued model into the user cache.</summary>
internal sealed class ModelsFetchCommand : AsyncCommand<ModelsFetchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<NAME>")]
        [Description("Model to fetch: stories15m.")]
        public string Name { get; init; } = "";

        [CommandOption("--force")]
        [Description("Download again even when the files are cached.")]
        public bool Force { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (!string.Equals(settings.Name, Stories15M.Name, StringComparison.OrdinalIgnoreCase))
            throw new InputException($"unknown model; the catalogue has: {Stories15M.Name}", field: "NAME", value: settings.Name);
        if (settings.Force || !Stories15M.IsCached())
            await Stories15M.FetchAsync(NpmRegistry.Resolve(), Stories15M.Folder, Console.Error, cancellationToken);
        Stories15M.Verify(Stories15M.Folder);
        Console.WriteLine(Stories15M.Folder);
        return 0;
    }
}
