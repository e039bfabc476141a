using System.Net;
using System.Net.Sockets;
using LlamaDuo.Core.Errors;
using LlamaDuo.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlamaDuo.Server;

/// <summary>
/// An OpenAI-compatible HTTP server (Kestrel) over one <see cref="ServedModel"/>: /v1/chat/completions,
/// /v1/completions, /v1/models and /health. Start it in-process with <see cref="StartAsync"/>; stopping it (or
/// SIGINT/SIGTERM) stops accepting connections and lets requests in flight finish.
/// </summary>
public sealed class LlamaDuoServer : IAsyncDisposable
{
    readonly WebApplication app;
    readonly GenerationGate gate;

    LlamaDuoServer(WebApplication app, GenerationGate gate, Uri baseUrl)
    {
        this.app = app;
        this.gate = gate;
        BaseUrl = baseUrl;
    }

    /// <summary>Where the server listens, e.g. http://127.0.0.1:8080 (no trailing slash, no /v1).</summary>
    public Uri BaseUrl { get; }

    /// <summary>Generations running right now (at most <see cref="ServerOptions.Parallel"/>).</summary>
    public long Running => gate.Running;

    /// <summary>Requests waiting for a generation slot.</summary>
    public long Queued => gate.Queued;

    /// <summary>
    /// Binds and starts serving. Refuses a non-loopback host without <see cref="ServerOptions.AllowNonLoopback"/>, and
    /// reports a port already in use, as <see cref="InputException"/>.
    /// </summary>
    public static async Task<LlamaDuoServer> StartAsync(ServedModel model, ServerOptions options, CancellationToken ct = default)
    {
        if (options.Parallel < 1) throw new InputException("must be at least 1", field: "parallel", value: options.Parallel.ToString());
        if (options.QueueLimit < 0) throw new InputException("must be 0 or more", field: "queue", value: options.QueueLimit.ToString());
        if (options.MaxRequestBodyBytes < 1) throw new InputException("must be at least 1", field: "max-request-body-bytes", value: options.MaxRequestBodyBytes.ToString());
        var address = ResolveHost(options);
        ReserveThreads(options.Parallel);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (options.LogToConsole)
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
                .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownTimeout);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The endpoints refuse a body over MaxRequestBodyBytes before reading it (RequestBody), and Kestrel then
            // discards the unread rest so the client gets the 413; beyond this hard cap it resets the connection instead.
            kestrel.Limits.MaxRequestBodySize = Math.Max(options.MaxRequestBodyBytes, 32L << 20);
            if (address is null) kestrel.ListenLocalhost(options.Port);
            else kestrel.Listen(address, options.Port);
        });

        var gate = new GenerationGate(options.Parallel, options.QueueLimit, options.RetryAfterSeconds);
        var metrics = new ServerMetrics(() => gate.Queued, () => gate.Running);
        builder.Services.AddSingleton(_ => metrics); // made by a factory, so the host disposes it (and its gauges) with the app
        var app = builder.Build();
        _ = app.Services.GetRequiredService<ServerMetrics>(); // resolved now, so disposing the app disposes it on every path
        model = metrics.Wrap(model);
        app.Use(metrics.Middleware);
        if (options.LogToConsole) app.UseMiddleware<RequestLog>();
        app.UseMiddleware<ErrorTranslator>();
        app.UseMiddleware<HostCheck>(options.AllowedHosts);
        if (!string.IsNullOrEmpty(options.ApiKey)) app.UseMiddleware<ApiKeyCheck>(options.ApiKey);
        RouteTable.Map(app, model, gate, new RequestMapper(model, options), new ChoiceRunner(model));

        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await app.DisposeAsync();
            gate.Dispose();
            throw new InputException($"port {options.Port} on {options.Host} is already in use; stop the other server or pick another --port",
                field: "port", value: options.Port.ToString(), inner: e);
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        metrics.Port = new Uri(bound.Replace("[::]", "localhost")).Port;
        return new LlamaDuoServer(app, gate, new Uri(bound.Replace("[::]", "localhost").TrimEnd('/')));
    }

    /// <summary>Completes when the host is asked to stop (SIGINT, SIGTERM or <see cref="StopAsync"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => app.WaitForShutdownAsync(ct);

    /// <summary>Stops accepting connections and waits (up to the shutdown timeout) for requests in flight.</summary>
    public Task StopAsync(CancellationToken ct = default) => app.StopAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        gate.Dispose();
    }

    /// <summary>
    /// Engines run each generation as blocking work on a thread-pool thread (llama.cpp and TorchSharp calls block).
    /// With N of those running, the pool's default minimum (one per core) leaves nothing for Kestrel and the SSE
    /// writers, and the pool grows only slowly; so keep enough threads ready from the start.
    /// </summary>
    static void ReserveThreads(int parallel)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        var wanted = 2 * parallel + Environment.ProcessorCount + 4;
        if (workers < wanted) ThreadPool.SetMinThreads(wanted, io);
    }

    /// <summary>null means "localhost" (both loopback families); otherwise the address to bind.</summary>
    static IPAddress? ResolveHost(ServerOptions options)
    {
        if (options.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return null;
        if (!IPAddress.TryParse(options.Host, out var address))
            throw new InputException("is not an IP address or 'localhost'", field: "host", value: options.Host);
        if (!IPAddress.IsLoopback(address) && !options.AllowNonLoopback)
            throw new InputException($"{options.Host} is reachable from other machines; pass the explicit non-loopback flag to bind it",
                field: "host", value: options.Host);
        return address;
    }
}
