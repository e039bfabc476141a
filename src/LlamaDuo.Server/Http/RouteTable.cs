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
        routes.MapFallback((HttpContext http) => throw new ApiException(404,
            $"Unknown route {http.Request.Method} {http.Request.Path}.", "invalid_request_error", code: "unknown_url"));
    }
}
