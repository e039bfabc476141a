using LlamaDuo.Cli.Commands.Serve;

namespace LlamaDuo.Server.Tests;

/// <summary>
/// One server over real stories15M on one engine, loaded the way `llamaduo serve` loads it, shared by a test class;
/// key required, four generations at once (one batch of four sequences on llama.cpp).
/// </summary>
public abstract class Stories15MServer(string engine) : IAsyncLifetime
{
    public const string Key = "sk-stories-test";

    /// <summary>Greedy continuation of "Once upon a time" agreed by three independent implementations (BRIEF section 4).</summary>
    public const string Golden = ", there was a little girl named Lily. She loved to play outside in the sunshine.";

    LoadedEngine? loaded;

    public ServerHarness Harness { get; private set; } = null!;

    /// <summary>The model as the engine loaded it (its context and prompt-character bound).</summary>
    public ServedModel Model => loaded!.Model;

    public async Task InitializeAsync()
    {
        loaded = await ServeEngines.LoadAsync("stories15m", engine, null, parallel: 4, batch: true, CancellationToken.None);
        var options = new ServerOptions { ApiKey = Key, Parallel = 4 };
        Harness = await ServerHarness.StartAsync(loaded.Model.Chat, options, _ => loaded.Model with { Id = ServerHarness.ModelId });
    }

    public async Task DisposeAsync()
    {
        await Harness.DisposeAsync();
        loaded?.Dispose();
    }
}

/// <summary>stories15M exported to GGUF on llama.cpp (the default engine of `serve`).</summary>
public sealed class LlamaCppStories15M() : Stories15MServer("llamacpp");

/// <summary>stories15M on our TorchSharp engine.</summary>
public sealed class TorchStories15M() : Stories15MServer("torch");
