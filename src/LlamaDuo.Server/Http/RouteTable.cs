using LlamaDuo.Server.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace LlamaDuo.Server.Http;

/// <summary>The server's one route table. Everything it serves is listed here.</summary>
internal static class RouteTable
{
    public static void Map(IEndpointRouteBuilder routes, ServedModel model, GenerationGate gate, RequestMapper mapper, ChoiceRunner runner)
    {
        var chat = new ChatCompletionsEndpoint(model, mapper, gate, runner);
        var completions = new CompletionsEndpoint(model, mapper, gate, runner);
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        routes.MapPost("/v1/chat/completions", chat.HandleAsync);
        routes.MapPost("/v1/completions", completions.HandleAsync);
        routes.MapGet("/v1/models", () => Results.Json(
            new ModelList("list", [new ModelEntry(model.Id, "model", created, model.OwnedBy)]), WireJson.Options));
        routes.MapGet("/v1/models/{id}", (string id) => id == model.Id
            ? Results.Json(new ModelEntry(model.Id, "model", created, model.OwnedBy), WireJson.Options)
            : throw ApiException.ModelNotFound(id));
        routes.MapGet("/health", () => Results.Json(new { status = "ok", model = model.Id, running = gate.Running, queued = gate.Queued }));
        routes.MapFallback((HttpContext http) => throw (MethodsOf(http.Request.Path.Value ?? "") is { } allow
            ? new ApiException(405, $"{http.Request.Method} is not allowed on {http.Request.Path}; use {allow}.", "invalid_request_error",
                code: "method_not_allowed") { Allow = allow }
            : new ApiException(404, $"Unknown route {http.Request.Method} {http.Request.Path}.", "invalid_request_error", code: "unknown_url")));
    }

    /// <summary>The method a route above takes, or null for a path that is no route (the fallback sees both cases).</summary>
    static string? MethodsOf(string path) => path.TrimEnd('/') switch
    {
        "/v1/chat/completions" or "/v1/completions" => "POST",
        "/v1/models" or "/health" => "GET",
        var p when p.StartsWith("/v1/models/", StringComparison.Ordinal) && p.IndexOf('/', "/v1/models/".Length) < 0 => "GET",
        _ => null,
    };
}
