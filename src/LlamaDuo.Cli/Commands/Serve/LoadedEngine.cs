using LlamaDuo.Server;

namespace LlamaDuo.Cli.Commands.Serve;

/// <summary>A model loaded on an engine, ready to serve; disposing it frees the engine and any temporary files.</summary>
internal sealed class LoadedEngine(ServedModel model, IDisposable? owner) : IDisposable
{
    public ServedModel Model { get; } = model;

    public void Dispose()
    {
        Model.Chat.Dispose();
        Model.Completion?.Dispose();
        owner?.Dispose();
    }
}
