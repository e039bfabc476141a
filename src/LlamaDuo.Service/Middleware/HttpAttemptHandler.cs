namespace LlamaDuo.Service.Middleware;

/// <summary>
/// HTTP handler under the provider SDKs that reports each call's first request before it goes out
/// (<see cref="OutgoingCall"/>) and records each response's status and Retry-After.
/// </summary>
internal sealed class HttpAttemptHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        OutgoingCall.Current?.Sending();
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        HttpAttempt.Current?.Observe((int)response.StatusCode, response.Headers.RetryAfter, DateTimeOffset.UtcNow);
        return response;
    }
}
