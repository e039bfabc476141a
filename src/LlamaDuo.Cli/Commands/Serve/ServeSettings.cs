using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace LlamaDuo.Cli.Commands.Serve;

/// <summary>Options of <c>llamaduo serve</c>.</summary>
internal sealed class ServeSettings : CommandSettings
{
    [CommandOption("--model <MODEL>")]
    [Description("Model to serve: 'stories15m', a llama2.c .bin, a Hugging Face folder, or a .gguf file.")]
    public string? Model { get; init; }

    [CommandOption("--run <DIR>")]
    [Description("Serve the model a run exported (DIR/export/model.gguf).")]
    public string? Run { get; init; }

    [CommandOption("--host <HOST>")]
    [Description("Address to bind (default 127.0.0.1). Anything else also needs --allow-remote.")]
    [DefaultValue("127.0.0.1")]
    public string Host { get; init; } = "127.0.0.1";

    [CommandOption("--allow-remote")]
    [Description("Allow binding an address other machines can reach.")]
    public bool AllowRemote { get; init; }

    [CommandOption("--port <PORT>")]
    [Description("TCP port (default 8080).")]
    [DefaultValue(8080)]
    public int Port { get; init; } = 8080;

    [CommandOption("--api-key-env <VAR>")]
    [Description("Name of an environment variable holding the API key clients must send as a Bearer token.")]
    public string? ApiKeyEnv { get; init; }

    [CommandOption("--engine <ENGINE>")]
    [Description("llamacpp (default; a non-GGUF model is exported to a temporary GGUF first) or torch.")]
    [DefaultValue("llamacpp")]
    public string Engine { get; init; } = "llamacpp";

    [CommandOption("--parallel <N>")]
    [Description("Generations that run at the same time (default 1); further requests queue. On llama.cpp they are N sequences decoded together in one context (continuous batching).")]
    [DefaultValue(1)]
    public int Parallel { get; init; } = 1;

    [CommandOption("--no-batch")]
    [Description("llama.cpp: give each request its own context instead of one shared batch (the behaviour before batching).")]
    public bool NoBatch { get; init; }

    [CommandOption("--queue <N>")]
    [Description("Requests that may wait for a slot before the server answers 429 (default 64).")]
    [DefaultValue(64)]
    public int Queue { get; init; } = 64;

    [CommandOption("--allowed-host <NAME>")]
    [Description("A Host name clients may use besides localhost and IP addresses (repeatable; *.example.org for subdomains, * for any). Other names get 403, which keeps web pages out through DNS rebinding.")]
    public string[] AllowedHosts { get; init; } = [];

    [CommandOption("--name <ID>")]
    [Description("Model id clients send as 'model' (default: derived from the model).")]
    public string? Name { get; init; }

    public override ValidationResult Validate()
    {
        if ((Model is null) == (Run is null)) return ValidationResult.Error("give exactly one of --model MODEL or --run DIR");
        if (!AllowRemote && Host is not ("127.0.0.1" or "::1" or "localhost"))
            return ValidationResult.Error($"--host {Host} is reachable from other machines; add --allow-remote (and set --api-key-env) to bind it");
        if (Engine is not ("llamacpp" or "torch")) return ValidationResult.Error($"--engine must be llamacpp or torch, not '{Engine}'");
        if (Port is < 0 or > 65535) return ValidationResult.Error($"--port must be between 0 and 65535, not {Port}");
        if (Parallel < 1) return ValidationResult.Error($"--parallel must be at least 1, not {Parallel}");
        if (Queue < 0) return ValidationResult.Error($"--queue must be 0 or more, not {Queue}");
        if (AllowedHosts.FirstOrDefault(h => string.IsNullOrWhiteSpace(h) || h.Contains(':') || h.Contains('/')) is { } bad)
            return ValidationResult.Error($"--allowed-host takes a host name without scheme or port (gpu-box.lan, *.example.org or *), not '{bad}'");
        return ValidationResult.Success();
    }
}
