namespace LlamaDuo.Server.Http;

/// <summary>
/// A request the server refuses, carrying everything the OpenAI-shaped error body needs. Thrown anywhere below the
/// route handlers; <see cref="ErrorTranslator"/> turns it into the HTTP answer.
/// </summary>
internal sealed class ApiException(int status, string message, string type, string? param = null, string? code = null)
    : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Param { get; } = param;
    public string? Code { get; } = code;

    /// <summary>Seconds to put in Retry-After (429 only).</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Methods to put in Allow (405 only).</summary>
    public string? Allow { get; init; }

    public static ApiException BadRequest(string message, string? param = null, string? code = null) =>
        new(400, message, "invalid_request_error", param, code);

    public static ApiException ModelNotFound(string model) =>
        new(404, $"The model '{model}' does not exist or is not served here.", "invalid_request_error", "model", "model_not_found");
}
