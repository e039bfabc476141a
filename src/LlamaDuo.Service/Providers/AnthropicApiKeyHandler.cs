namespace LlamaDuo.Service.Providers;

/// <summary>
/// Sends the API key the way Anthropic's Messages API reference documents it: an <c>x-api-key</c> header (the
/// Anthropic .NET SDK 13.x sends keys as <c>Authorization: Bearer</c>, which the API reserves for OAuth tokens).
/// The SDK is therefore given no credential at all, and this handler adds the key to each request.
/// </summary>
internal sealed class AnthropicApiKeyHandler(string apiKey, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    /// <inheritdoc/>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = null;
        request.Headers.Remove("x-api-key");
        request.Headers.TryAddWithoutValidation("x-api-key", apiKey);
        return base.SendAsync(request, cancellationToken);
    }
}
