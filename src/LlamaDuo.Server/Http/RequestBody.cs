using System.Text.Json;
using LlamaDuo.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace LlamaDuo.Server.Http;

/// <summary>Reads a request body into its typed record; JSON errors surface as <see cref="JsonException"/> (a 400).</summary>
internal static class RequestBody
{
    public static async Task<T> ReadAsync<T>(HttpContext http) where T : class
    {
        var body = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, WireJson.Options, http.RequestAborted);
        return body ?? throw ApiException.BadRequest("The request body must be a JSON object.");
    }
}
