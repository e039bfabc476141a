using LlamaDuo.Core.Errors;
using LlamaDuo.Server;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Serve;

/// <summary>
/// <c>llamaduo serve</c>: loads a model on the chosen engine and serves it OpenAI-style until SIGINT/SIGTERM, then
/// finishes the requests in flight and exits.
/// </summary>
internal sealed class ServeCommand : AsyncCommand<ServeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ServeSettings settings, CancellationToken cancellationToken)
    {
        var apiKey = ReadApiKey(settings.ApiKeyEnv);
        var model = settings.Run is not null ? RunModelPath(settings.Run) : settings.Model!;

        Console.Error.WriteLine($"loading {model} on {settings.Engine}...");
        using var engine = await ServeEngines.LoadAsync(model, settings.Engine, settings.Name, settings.Parallel, !settings.NoBatch, cancellationToken);
        var options = new ServerOptions
        {
            Host = settings.Host,
            Port = settings.Port,
            AllowNonLoopback = settings.AllowRemote,
            ApiKey = apiKey,
            Parallel = settings.Parallel,
            QueueLimit = settings.Queue,
            AllowedHosts = settings.AllowedHosts,
            LogToConsole = true,
        };
        await using var server = await LlamaDuoServer.StartAsync(engine.Model, options, cancellationToken);

        PrintBanner(server, engine.Model.Id, settings, apiKey is not null);
        await server.WaitForShutdownAsync(cancellationToken);
        Console.Error.WriteLine("stopped: requests in flight were finished.");
        return 0;
    }

    static string? ReadApiKey(string? variable)
    {
        if (variable is null) return null;
        var key = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(key))
            throw new InputException($"environment variable {variable} is not set or empty; export it with the key clients must send",
                field: "--api-key-env", value: variable);
        return key.Trim();
    }

    /// <summary>A run's deployable model lives at DIR/export/model.gguf once the loop has exported it.</summary>
    static string RunModelPath(string runDir)
    {
        if (!Directory.Exists(runDir)) throw new InputException("run folder not found", runDir, field: "--run");
        var gguf = Path.Combine(runDir, "export", "model.gguf");
        if (!File.Exists(gguf))
            throw new InputException($"this run has no exported model yet (expected {gguf}); run `llamaduo export --run {runDir} --format gguf --out {gguf}` first",
                runDir, field: "--run");
        return gguf;
    }

    static void PrintBanner(LlamaDuoServer server, string modelId, ServeSettings settings, bool hasKey)
    {
        var url = server.BaseUrl.ToString().TrimEnd('/');
        var loopback = settings.Host is "127.0.0.1" or "::1" or "localhost";
        if (!loopback && !hasKey)
            Console.Error.WriteLine($"WARNING: listening on {settings.Host} with no API key: anyone who can reach this machine can use the model. Set --api-key-env.");
        Console.WriteLine($"serving {modelId} at {url}/v1 (engine {settings.Engine}, parallel {settings.Parallel}{(settings.Engine == "llamacpp" && !settings.NoBatch ? " batched in one context" : "")}); Ctrl+C stops after finishing requests in flight");
        var auth = hasKey ? $" -H \"Authorization: Bearer ${settings.ApiKeyEnv}\"" : "";
        Console.WriteLine($"try: curl {url}/v1/chat/completions{auth} -H 'Content-Type: application/json' " +
                          $"-d '{{\"model\":\"{modelId}\",\"messages\":[{{\"role\":\"user\",\"content\":\"Once upon a time\"}}],\"max_tokens\":40}}'");
    }
}
