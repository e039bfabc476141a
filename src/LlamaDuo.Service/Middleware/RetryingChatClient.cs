using System.Net.Sockets;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaDuo.Service.Middleware;

/// <summary>
/// Retries transient failures (429, 408, 409, 5xx, attempt timeouts, dropped connections, unreadable bodies) with
/// exponential backoff and full jitter, waiting at least the server's Retry-After when it sends one. The provider
/// attempt timeout is the job of <see cref="AttemptTimeoutChatClient"/> further in. The provider
/// SDKs' own retries are switched off (see ServiceClientFactory) so this is the only retry loop. A call that
/// fails for good throws <see cref="ServiceCallException"/> carrying the attempt count. A permanent error (400, 401,
/// 403, 404 and the other 4xx but 408, 409 and 429) is never retried: asking again cannot change the answer.
/// </summary>
public sealed class RetryingChatClient(IChatClient inner, RetryOptions options, Random? jitter = null, ILogger? logger = null, string? secret = null)
    : DelegatingChatClient(inner)
{
    readonly ILogger _log = logger ?? NullLogger.Instance;
    readonly Random _jitter = jitter ?? Random.Shared;
    readonly Lock _jitterLock = new();

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        var maxRetries = ServiceCallTags.MaxRetriesOf(chatOptions) ?? options.MaxRetries;
        for (var attempt = 1; ; attempt++)
        {
            var observed = HttpAttempt.Begin();
            Exception failure;
            try
            {
                var response = await base.GetResponseAsync(list, chatOptions, cancellationToken).ConfigureAwait(false);
                response.AdditionalProperties ??= [];
                response.AdditionalProperties[ServiceCallTags.Attempts] = attempt;
                return response;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                failure = e;
            }

            var (transient, reason) = Classify(failure, observed);
            if (!transient || attempt > maxRetries)
                throw Failed(attempt, reason, failure, observed.StatusCode, transient);
            var wait = DelayBefore(attempt, observed.RetryAfter);
            _log.LogInformation("service call attempt {Attempt} failed ({Reason}); retrying in {WaitMs:F0} ms", attempt, reason, wait.TotalMilliseconds);
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, CancellationToken cancellationToken = default) =>
        StreamingAdapter.FromResponseAsync(GetResponseAsync(messages, chatOptions, cancellationToken));

    /// <summary>The wait before the retry that follows failed attempt number <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan DelayBefore(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } serverSays)
            return serverSays < options.MaxRetryAfter ? serverSays : options.MaxRetryAfter;
        var ceiling = Math.Min(options.MaxDelay.TotalMilliseconds, options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
        double draw;
        lock (_jitterLock) draw = _jitter.NextDouble();
        return TimeSpan.FromMilliseconds(draw * ceiling);
    }

    /// <summary>
    /// The final exception. A server may echo the credential in its error text, so the key (when known) is cut
    /// from the message, and an inner exception that still holds it is dropped: whatever logs or stores this
    /// exception cannot leak the key.
    /// </summary>
    ServiceCallException Failed(int attempts, string reason, Exception failure, int? status, bool transient)
    {
        var detail = $"{failure.GetType().Name}: {failure.Message}";
        var leaks = !string.IsNullOrEmpty(secret) && failure.ToString().Contains(secret, StringComparison.Ordinal);
        if (leaks) detail = detail.Replace(secret!, "***", StringComparison.Ordinal);
        return new ServiceCallException($"service call failed after {attempts} attempt(s): {reason}: {detail}",
            attempts, status, transient, leaks ? null : failure);
    }

    static (bool Transient, string Reason) Classify(Exception failure, HttpAttempt observed)
    {
        if (observed.StatusCode is { } status)
        {
            if (status is 429 or 408 or 409 || status >= 500) return (true, $"HTTP {status}");
            if (status >= 400) return (false, $"HTTP {status}");
            return (true, $"HTTP {status} with an unreadable body"); // garbage or truncated JSON
        }
        if (failure is TimeoutException || failure.InnerException is TimeoutException)
            return (true, "timed out");
        for (var e = failure; e is not null; e = e.InnerException)
            if (e is HttpRequestException or IOException or SocketException)
                return (true, "connection failed");
        return (false, "error");
    }
}
