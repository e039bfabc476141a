namespace LlamaDuo.Service.Batch;

/// <summary>A batch API call (upload, create, poll, download) that the provider refused or that never got an answer.</summary>
internal sealed class BatchApiException(string message, int? statusCode, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>HTTP status, when a response came back.</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>Worth trying again: no response, 408, 409, 429 or 5xx.</summary>
    public bool Transient => StatusCode is null or 408 or 409 or 429 or >= 500;
}
