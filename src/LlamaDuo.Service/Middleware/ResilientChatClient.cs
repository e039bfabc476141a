using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace LlamaDuo.Service.Middleware;

/// <summary>
/// The one retry layer and the one concurrency limit of a service client, as a Polly pipeline, outermost first:
/// <list type="number">
/// <item>retry: transient failures (429, 408, 409, 5xx, attempt timeouts, dropped connections, unreadable bodies)
/// are retried after the server's Retry-After or a full-jitter backoff (<see cref="RetryBackoff"/>); a permanent
/// error (400, 401, 403, 404 and the other 4xx) is never retried: asking again cannot change the answer;</item>
/// <item>limits: a concurrency bound, then requests per minute, then tokens per minute (input characters / 4 plus
/// the requested max output tokens, capped at the burst). Each attempt takes its own permits;</item>
/// <item>attempt timeout: inside the limits, so time spent queueing for a permit never counts against an attempt.</item>
/// </list>
/// The provider SDKs' own retries are off (see ProviderClients). A call that fails for good throws
/// <see cref="ServiceCallException"/> carrying the attempt count; a successful response carries it as
/// <see cref="ServiceCallTags.Attempts"/>. The status code and Retry-After are read from <see cref="HttpAttempt"/>,
/// filled under the SDK, because the SDKs' exceptions do not all carry them (Anthropic's has no headers).
/// </summary>
internal sealed class ResilientChatClient : DelegatingChatClient
{
    static readonly ResiliencePropertyKey<CallState> State = new("llamaduo.call");

    readonly ResilienceOptions _options;
    readonly ResiliencePipeline _pipeline;
    readonly ConcurrencyLimiter _concurrency;
    readonly TokenBucketRateLimiter? _requests;
    readonly TokenBucketRateLimiter? _tokens;
    readonly int _tokenBurst;
    readonly Random _jitter;
    readonly Lock _jitterLock = new();
    readonly ILogger _log;
    readonly string? _secret;

    /// <summary>Wraps <paramref name="inner"/>; <paramref name="secret"/> (the API key) is cut from error messages.</summary>
    public ResilientChatClient(IChatClient inner, ResilienceOptions options, Random? jitter = null, ILogger? logger = null, string? secret = null)
        : base(inner)
    {
        _options = options;
        _jitter = jitter ?? Random.Shared;
        _log = logger ?? NullLogger.Instance;
        _secret = secret;
        _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, options.MaxConcurrency),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _requests = PerMinute(options.RequestsPerMinute);
        _tokens = PerMinute(options.TokensPerMinute);
        _tokenBurst = Burst(options.TokensPerMinute);

        var builder = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                // The per-call limit (ServiceCallTags.MaxRetries) is enforced in ShouldRetry.
                MaxRetryAttempts = int.MaxValue,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context.Properties.GetValue(State, null!), args.Outcome.Exception, args.Context)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(DelayBefore(args.AttemptNumber + 1, args.Context.Properties.GetValue(State, null!).Observed?.RetryAfter)),
                OnRetry = args =>
                {
                    var call = args.Context.Properties.GetValue(State, null!);
                    _log.LogInformation("service call attempt {Attempt} failed ({Reason}); retrying in {WaitMs:F0} ms",
                        args.AttemptNumber + 1, call.Reason, args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            })
            .AddRateLimiter(_concurrency);
        if (_requests is not null) builder.AddRateLimiter(_requests);
        if (_tokens is { } tokens)
            builder.AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = args => tokens.AcquireAsync(args.Context.Properties.GetValue(State, null!).Tokens, args.Context.CancellationToken),
            });
        _pipeline = builder.AddTimeout(options.AttemptTimeout).Build();
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        var call = new CallState(
            ServiceCallTags.MaxRetriesOf(options) ?? _options.MaxRetries,
            Math.Min(_tokenBurst, EstimateTokens(list, options)));
        var sent = ServiceCallTags.WithoutTags(options);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(State, call);
        try
        {
            var response = await _pipeline.ExecuteAsync(async (ctx, c) =>
            {
                c.Attempts++;
                c.Observed = HttpAttempt.Begin(); // the HTTP handler under the SDK fills it for this attempt
                return await base.GetResponseAsync(list, sent, ctx.CancellationToken).ConfigureAwait(false);
            }, context, call).ConfigureAwait(false);
            response.AdditionalProperties ??= [];
            response.AdditionalProperties[ServiceCallTags.Attempts] = call.Attempts;
            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            var (transient, reason) = Classify(e, call.Observed);
            throw Failed(call.Attempts, reason, e, call.Observed?.StatusCode, transient);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamingAdapter.FromResponseAsync(GetResponseAsync(messages, options, cancellationToken));

    /// <summary>The wait before the retry that follows failed attempt number <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan DelayBefore(int attempt, TimeSpan? retryAfter)
    {
        double draw;
        lock (_jitterLock) draw = _jitter.NextDouble();
        return _options.Backoff.DelayAfter(attempt, retryAfter, draw);
    }

    /// <summary>Token estimate charged before an attempt: input characters / 4 plus max output tokens.</summary>
    public static int EstimateTokens(IEnumerable<ChatMessage> messages, ChatOptions? options) =>
        messages.Sum(m => m.Text.Length) / 4 + 1 + (options?.MaxOutputTokens ?? 0);

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _concurrency.Dispose();
            _requests?.Dispose();
            _tokens?.Dispose();
        }
        base.Dispose(disposing);
    }

    static bool ShouldRetry(CallState call, Exception? failure, ResilienceContext context)
    {
        if (failure is null) return false;
        if (failure is OperationCanceledException && context.CancellationToken.IsCancellationRequested) return false;
        var (transient, reason) = Classify(failure, call.Observed);
        call.Reason = reason;
        return transient && call.Attempts <= call.MaxRetries;
    }

    static (bool Transient, string Reason) Classify(Exception failure, HttpAttempt? observed)
    {
        if (observed?.StatusCode is { } status)
        {
            if (status is 429 or 408 or 409 || status >= 500) return (true, $"HTTP {status}");
            if (status >= 400) return (false, $"HTTP {status}");
            return (true, $"HTTP {status} with an unreadable body"); // garbage or truncated JSON
        }
        if (failure is TimeoutRejectedException or TimeoutException || failure.InnerException is TimeoutException)
            return (true, "timed out");
        for (var e = failure; e is not null; e = e.InnerException)
            if (e is HttpRequestException or IOException or SocketException)
                return (true, "connection failed");
        return (false, "error");
    }

    /// <summary>
    /// The final exception. A server may echo the credential in its error text, so the key (when known) is cut
    /// from the message, and an inner exception that still holds it is dropped: whatever logs or stores this
    /// exception cannot leak the key.
    /// </summary>
    ServiceCallException Failed(int attempts, string reason, Exception failure, int? status, bool transient)
    {
        var detail = $"{failure.GetType().Name}: {failure.Message}";
        var leaks = !string.IsNullOrEmpty(_secret) && failure.ToString().Contains(_secret, StringComparison.Ordinal);
        if (leaks) detail = detail.Replace(_secret!, "***", StringComparison.Ordinal);
        return new ServiceCallException($"service call failed after {attempts} attempt(s): {reason}: {detail}",
            attempts, status, transient, leaks ? null : failure);
    }

    static TokenBucketRateLimiter? PerMinute(int perMinute)
    {
        if (perMinute <= 0) return null;
        // k permits every k/perMinute minutes: an exact rate, refilled at most every ~100 ms; a burst of one second's worth.
        var k = Math.Max(1, perMinute / 600);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = Burst(perMinute),
            TokensPerPeriod = k,
            ReplenishmentPeriod = TimeSpan.FromMinutes(k / (double)perMinute),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    static int Burst(int perMinute) => Math.Max(1, (int)Math.Ceiling(perMinute / 60.0));

    /// <summary>One call's state across its attempts, kept in the Polly context.</summary>
    sealed class CallState(int maxRetries, int tokens)
    {
        public int MaxRetries { get; } = maxRetries;
        public int Tokens { get; } = tokens;
        public int Attempts { get; set; }
        public HttpAttempt? Observed { get; set; }
        public string Reason { get; set; } = "";
    }
}
