using LlamaDuo.Cli.Commands.Serve;
using LlamaDuo.LlamaCpp.Engine;

namespace LlamaDuo.Server.Tests;

/// <summary>
/// stories15M on llama.cpp loaded the way `llamaduo serve --parallel 8` loads it: one shared batch of eight
/// sequences behind a server that admits eight generations at once, no key.
/// </summary>
public sealed class BatchedStories15M : IAsyncLifetime
{
    public const int Slots = 8;

    LoadedEngine? loaded;

    public ServerHarness Harness { get; private set; } = null!;

    /// <summary>The engine's shared batch, to see how many sequences each decode carried.</summary>
    public LlamaCppBatchScheduler Scheduler => ((LlamaCppChatClient)loaded!.Model.Chat).Scheduler!;

    public async Task InitializeAsync()
    {
        loaded = await ServeEngines.LoadAsync("stories15m", "llamacpp", null, Slots, batch: true, CancellationToken.None);
        Harness = await ServerHarness.StartAsync(loaded.Model.Chat, new ServerOptions { Parallel = Slots },
            _ => loaded.Model with { Id = ServerHarness.ModelId });
    }

    public async Task DisposeAsync()
    {
        await Harness.DisposeAsync();
        loaded?.Dispose();
    }
}
