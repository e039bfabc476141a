using LlamaDuo.Core.Errors;
using LlamaDuo.Server;

namespace LlamaDuo.Cli.Commands.Serve;

/// <summary>A model loaded on an engine, ready to serve; disposing it frees the engine.</summary>
public sealed class LoadedEngine(ServedModel model, IDisposable? owner) : IDisposable
{
    public ServedModel Model { get; } = model;

    public void Dispose()
    {
        Model.Chat.Dispose();
        owner?.Dispose();
    }
}

/// <summary>Loads a model on the torch or llama.cpp engine as a <see cref="ServedModel"/>.</summary>
public static class ServeEngines
{
    public static Task<LoadedEngine> LoadAsync(string model, string engine, string? name, CancellationToken ct) =>
        throw new InputException($"the {engine} engine is not wired into `serve` in this build yet", field: "--engine", value: engine);
}
