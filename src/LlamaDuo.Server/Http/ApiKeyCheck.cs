using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace LlamaDuo.Server.Http;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;key&gt;</c> on /v1/* when a key is configured; /health stays open. The
/// comparison hashes both sides first so it takes the same time whatever the length or content of the guess.
/// </summary>
internal sealed class ApiKeyCheck(RequestDelegate next, string apiKey)
{
    readonly byte[] expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));

    public Task InvokeAsync(HttpContext http)
    {
        if (!http.Request.Path.StartsWithSegments("/v1") || Matches(http.Request.Headers.Authorization.ToString()))
            return next(http);
        throw new ApiException(401, "Missing or incorrect API key. Send it as 'Authorization: Bearer <key>'.",
            "invalid_request_error", code: "invalid_api_key");
    }

    bool Matches(string header)
    {
        const string scheme = "Bearer ";
        var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return CryptographicOperations.FixedTimeEquals(presentedHash, expectedHash) && presented.Length > 0;
    }
}
