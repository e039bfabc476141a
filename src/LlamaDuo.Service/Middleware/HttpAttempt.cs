using System.Net.Http.Headers;

namespace LlamaDuo.Service.Middleware;

/// <summary>
/// What the HTTP layer saw during one attempt: the status code and Retry-After, whatever exception type the SDK then
/// wraps them in (Anthropic's exceptions carry no headers, so Retry-After is only seen here).
/// <see cref="ResilientChatClient"/> opens one per attempt; <see cref="HttpAttemptHandler"/> fills it.
/// </summary>
internal sealed class HttpAttempt
{
    static readonly AsyncLocal<HttpAttempt?> CurrentAttempt = new();

    /// <summary>The attempt in progress on this async flow, if any.</summary>
    public static HttpAttempt? Current => CurrentAttempt.Value;

    /// <summary>HTTP status of the last response received, or null when none came (dropped connection, timeout).</summary>
    public int? StatusCode { get; private set; }

    /// <summary>The server's Retry-After, as a delay from when it was received.</summary>
    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>Starts observing an attempt on the current async flow.</summary>
    public static HttpAttempt Begin()
    {
        var attempt = new HttpAttempt();
        CurrentAttempt.Value = attempt;
        return attempt;
    }

    internal void Observe(int status, RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        StatusCode = status;
        RetryAfter = retryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };
    }
}
