using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LlamaDuo.Service.Demo.Host;

/// <summary>
/// The demo service: an OpenAI-compatible HTTP server on loopback that plays the service LLM deterministically for
/// the quickstart's narrow task. A stand-in, not a language model. Routes: POST /v1/chat/completions,
/// GET /v1/models, GET /health, GET /stats, and the batch APIs (OpenAI /v1/files, /v1/batches; Anthropic
/// /v1/messages/batches) answered through the same responders.
/// </summary>
public static class DemoService
{
    /// <summary>Starts the server on 127.0.0.1 (port 0 = a free one) and returns once it accepts connections.</summary>
    public static async Task<RunningDemoService> StartAsync(DemoServiceOptions options, IEnumerable<IDemoResponder> responders, CancellationToken cancellationToken = default,
        DemoBatchOptions? batches = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        var app = builder.Build();

        var stats = new DemoServiceStats();
        var chat = new DemoChatEndpoint(options, [.. responders], stats);
        var started = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        app.MapPost("/v1/chat/completions", chat.Handle);
        var answerer = new DemoBatchAnswerer([.. responders], batches ?? new DemoBatchOptions());
        var openAiBatches = new DemoOpenAiBatchEndpoints(answerer, stats);
        app.MapPost("/v1/files", openAiBatches.UploadFile);
        app.MapGet("/v1/files/{id}", openAiBatches.GetFile);
        app.MapGet("/v1/files/{id}/content", openAiBatches.GetFileContent);
        app.MapPost("/v1/batches", openAiBatches.CreateBatch);
        app.MapGet("/v1/batches", openAiBatches.ListBatches);
        app.MapGet("/v1/batches/{id}", openAiBatches.GetBatch);
        var anthropicBatches = new DemoAnthropicBatchEndpoints(answerer, stats);
        app.MapPost("/v1/messages/batches", anthropicBatches.Create);
        app.MapGet("/v1/messages/batches/{id}", anthropicBatches.Get);
        app.MapGet("/v1/messages/batches/{id}/results", anthropicBatches.Results);
        app.MapGet("/v1/models", () => Results.Content(DemoJson.Models(started), "application/json"));
        app.MapGet("/health", () => Results.Content("""{"status":"ok","note":"llamaduo demo service: a stand-in, not a language model"}""", "application/json"));
        app.MapGet("/stats", () => Results.Content(DemoJson.Stats(stats), "application/json"));
        app.MapFallback((HttpContext http) => Results.Content(
            DemoJson.Error($"no route {http.Request.Method} {http.Request.Path}", "invalid_request_error", null, "not_found"),
            "application/json", statusCode: 404));

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new RunningDemoService(app, port, stats);
    }
}
