using System.Net;
using System.Net.Sockets;
using LlamaDuo.Core.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LlamaDuo.Pipeline.Ui;

/// <summary>
/// `llamaduo ui`: a read-only web view of the runs under a root, on loopback only. Routes:
/// <code>
/// GET /                           every run (status, round, scores, spend), live
/// GET /events                     server-sent events: a runs snapshot whenever it changes
/// GET /runs/{id}                  one run: rounds, stages, progress, training loss, links into its report
/// GET /runs/{id}/events           server-sent events: that run's snapshot whenever it changes
/// GET /runs/{id}/report.html      the run's report (its sections are linked by anchor)
/// </code>
/// Each event stream polls the run store (and progress.json) every <see cref="UiOptions.Poll"/> and sends only changes.
/// </summary>
public sealed class RunsUi : IAsyncDisposable
{
    readonly WebApplication _app;

    RunsUi(WebApplication app, Uri url) => (_app, Url) = (app, url);

    /// <summary>Where the UI listens, e.g. http://127.0.0.1:8765.</summary>
    public Uri Url { get; }

    /// <summary>Binds 127.0.0.1:<see cref="UiOptions.Port"/> (0: a free port) and starts serving.</summary>
    public static async Task<RunsUi> StartAsync(UiOptions options, CancellationToken ct = default)
    {
        var root = Path.GetFullPath(options.Root);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => { k.AddServerHeader = false; k.Listen(IPAddress.Loopback, options.Port); });
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(UiPages.Runs, "text/html; charset=utf-8"));
        app.MapGet("/events", (HttpContext http) => StreamAsync(http, () => UiSnapshots.Runs(root), options.Poll));
        app.MapGet("/runs/{id}", (string id) => RunDir(root, id) is null ? Results.NotFound($"no run '{id}' under {root}") : Results.Content(UiPages.Run, "text/html; charset=utf-8"));
        app.MapGet("/runs/{id}/events", (HttpContext http, string id) => RunDir(root, id) is { } dir
            ? StreamAsync(http, () => UiSnapshots.Run(dir) ?? "{}", options.Poll)
            : Results.NotFound().ExecuteAsync(http));
        app.MapGet("/runs/{id}/report.html", (string id) => RunDir(root, id) is { } dir && File.Exists(Path.Combine(dir, "report.html"))
            ? Results.File(Path.Combine(dir, "report.html"), "text/html; charset=utf-8")
            : Results.NotFound("this run has no report yet (it is written when the loop ends)"));
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await app.DisposeAsync();
            throw new InputException($"port {options.Port} is already in use; pick another --port", field: "--port", value: options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RunsUi(app, new Uri(bound));
    }

    /// <summary>Completes when the host is asked to stop (Ctrl+C).</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => _app.WaitForShutdownAsync(ct);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>A run folder directly under the root, by its folder name; anything else (a path, "..") is no run.</summary>
    static string? RunDir(string root, string id)
    {
        if (id.Length == 0 || id != Path.GetFileName(id) || id is "." or "..") return null;
        var dir = Path.Combine(root, id);
        return Store.RunStore.IsRunFolder(dir) ? dir : null;
    }

    /// <summary>Server-sent events: the snapshot now, then again whenever it differs, until the client goes away.</summary>
    static async Task StreamAsync(HttpContext http, Func<string> snapshot, TimeSpan poll)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var ct = http.RequestAborted;
        string? last = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                string json;
                try { json = snapshot(); }
                catch (Exception e) when (e is System.Data.Common.DbException or IOException or InputException)
                {
                    // A store being written can be briefly unreadable; say so and try again at the next poll.
                    json = System.Text.Json.JsonSerializer.Serialize(new { unreadable = e.Message });
                }
                if (json != last)
                {
                    await http.Response.WriteAsync($"event: snapshot\ndata: {json}\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                    last = json;
                }
                await Task.Delay(poll, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page was closed.
        }
    }
}

/// <summary>Options of `llamaduo ui`.</summary>
public sealed record UiOptions
{
    /// <summary>The folder whose run folders are shown.</summary>
    public string Root { get; init; } = Runs.RunIndex.DefaultRoot;

    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; init; } = 8765;

    /// <summary>How often an open page's stream re-reads the store.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(500);
}
