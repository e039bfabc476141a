using LlamaDuo.Cli;
using LlamaDuo.Cli.Commands;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("llamaduo");
    config.PropagateExceptions();
    // Each area registers its own commands; see Commands/*.cs.
    config.AddCommand<VersionCommand>("version").WithDescription("Print the LlamaDuo version.");
    config.AddCommand<LlamaDuo.Cli.Commands.Serve.ServeCommand>("serve").WithDescription("Serve a model over an OpenAI-compatible HTTP API.");
});
return CliErrors.Run(() => app.Run(args));
