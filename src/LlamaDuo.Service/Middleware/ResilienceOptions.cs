namespace LlamaDuo.Service.Middleware;

/// <summary>
/// What <see cref="ResilientChatClient"/> does around each call, resolved from the service config (see
/// ServiceClientFactory). Limits of 0 mean no limit of that kind.
/// </summary>
/// <param name="MaxRetries">Retries after the first attempt.</param>
/// <param name="AttemptTimeout">Time one request on the wire may take.</param>
/// <param name="RequestsPerMinute">Request budget; 0 = none.</param>
/// <param name="TokensPerMinute">Token budget (input estimate + max output tokens per attempt); 0 = none.</param>
/// <param name="MaxConcurrency">Requests in flight at once.</param>
/// <param name="Backoff">Delays between attempts.</param>
internal sealed record ResilienceOptions(int MaxRetries, TimeSpan AttemptTimeout, int RequestsPerMinute, int TokensPerMinute, int MaxConcurrency, RetryBackoff Backoff);
