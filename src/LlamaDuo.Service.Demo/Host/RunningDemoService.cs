using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace LlamaDuo.Service.Demo.Host;

/// <summary>A started demo service. Dispose to stop it.</summary>
public sealed class RunningDemoService(WebApplication app, int port, DemoServiceStats stats) : IAsyncDisposable
{
    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; } = port;

    /// <summary>The OpenAI-style base URL, ending in /v1 (what base_url in a config should say).</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}/v1";

    /// <summary>The server's own count of chat requests by outcome.</summary>
    public DemoServiceStats Stats { get; } = stats;

    /// <summary>Waits until the server is stopped (by Ctrl+C in the CLI or by the token).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => app.WaitForShutdownAsync(cancellationToken);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(grace.Token);
        await app.DisposeAsync();
    }
}
