using System.Text.Json;
using LlamaDuo.Server.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace LlamaDuo.Server.Http;

/// <summary>Reads a request body into its typed record; JSON errors surface as <see cref="JsonException"/> (a 400).</summary>
internal static class RequestBody
{
    /// <summary>
    /// Refuses a body over <paramref name="maxBytes"/> with 413 before reading any of it when the client declared its
    /// length: Kestrel then discards the unread body (cheap, no parsing) and the client reads a clean answer instead
    /// of a reset connection. A body of undeclared length (chunked) is cut off at the same size as it arrives.
    /// </summary>
    public static async Task<T> ReadAsync<T>(HttpContext http, long maxBytes) where T : class
    {
        if (http.Request.ContentLength > maxBytes)
            throw new ApiException(413, $"The request body has {http.Request.ContentLength} bytes; this server takes at most {maxBytes}. " +
                "Send a smaller request: the prompt has to fit the model's context anyway.", "invalid_request_error", code: "request_too_large");
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;
        var body = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, WireJson.Options, http.RequestAborted);
        return body ?? throw ApiException.BadRequest("The request body must be a JSON object.");
    }
}
