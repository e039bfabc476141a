using LlamaDuo.Cli.Commands.Serve;

namespace LlamaDuo.Server.Tests;

/// <summary>
/// One server over real stories15M on the llama.cpp engine (exported to GGUF the way `llamaduo serve` does), shared
/// by a test class; key required, four generations at once.
/// </summary>
public sealed class Stories15MServer : IAsyncLifetime
{
    public const string Key = "sk-stories-test";

    /// <summary>Greedy continuation of "Once upon a time" agreed by three independent implementations (BRIEF section 4).</summary>
    public const string Golden = ", there was a little girl named Lily. She loved to play outside in the sunshine.";

    LoadedEngine? engine;

    public ServerHarness Harness { get; private set; } = null!;
    public ServedModel Model => engine!.Model;

    public async Task InitializeAsync()
    {
        engine = await ServeEngines.LoadAsync("stories15m", "llamacpp", null, CancellationToken.None);
        var options = new ServerOptions { ApiKey = Key, Parallel = 4 };
        Harness = await ServerHarness.StartAsync(engine.Model.Chat, options, _ => engine.Model with { Id = ServerHarness.ModelId });
    }

    public async Task DisposeAsync()
    {
        await Harness.DisposeAsync();
        engine?.Dispose();
    }
}
