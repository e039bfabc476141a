namespace LlamaDuo.Service.Middleware;

/// <summary>
/// A service call that failed for good: a permanent error (400, 401...) or a transient one that outlasted every
/// retry. Stages catch it per row and record it as data; it never means the batch should stop.
/// </summary>
public sealed class ServiceCallException(string message, int attempts, int? statusCode, bool transient, Exception? inner)
    : Exception(message, inner)
{
    /// <summary>Attempts made, the first included.</summary>
    public int Attempts { get; } = attempts;

    /// <summary>HTTP status of the last attempt, when a response came back.</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>True when the last failure was of a retryable kind (429, 5xx, timeout, bad body) and retries ran out.</summary>
    public bool Transient { get; } = transient;
}
