using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using Microsoft.Extensions.AI;
using OpenAI;

namespace LlamaDuo.Service.Providers;

/// <summary>
/// The bare provider clients, before middleware. Both SDKs get retries switched off (ours is the only retry loop)
/// and our HttpClient, so tests can watch the wire and the retry layer can see status codes and Retry-After.
/// </summary>
public static class ProviderClients
{
    /// <summary>Placeholder credential for servers that take none (the demo service, local servers).</summary>
    public const string NoKey = "no-key";

    /// <summary>
    /// The HTTP client under a provider SDK: <see cref="Middleware.HttpAttemptHandler"/> (status and Retry-After for
    /// the retry layer), Anthropic's key header, then <paramref name="primary"/>. No overall timeout: attempts are
    /// timed by our middleware.
    /// </summary>
    public static HttpClient CreateHttp(ServiceOptions options, string? apiKey, HttpMessageHandler primary)
    {
        if (options.Provider == ServiceProvider.Anthropic && apiKey is not null) primary = new AnthropicApiKeyHandler(apiKey, primary);
        return new HttpClient(new Middleware.HttpAttemptHandler(primary)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The IChatClient for one provider, talking through <paramref name="http"/>.</summary>
    public static IChatClient Create(ServiceOptions options, string? apiKey, HttpClient http) => options.Provider switch
    {
        ServiceProvider.Anthropic => Anthropic(options, http),
        _ => OpenAiCompatible(options, apiKey ?? NoKey, http), // openai, openai-compatible, gemini, demo
    };

    /// <summary>
    /// A bare chat client for any server that speaks OpenAI chat completions (a remote inference engine), with the
    /// SDK's own defaults: its retries and timeout stand, since no service middleware wraps it.
    /// </summary>
    public static IChatClient OpenAiCompatible(Uri endpoint, string model, string apiKey) =>
        new OpenAIClient(new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = endpoint }).GetChatClient(model).AsIChatClient();

    static IChatClient OpenAiCompatible(ServiceOptions options, string apiKey, HttpClient http)
    {
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(options.ResolvedBaseUrl),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // Our retry layer times each attempt; the SDK's own limit is only a backstop.
            NetworkTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds * 2 + 5),
            Transport = new HttpClientPipelineTransport(http),
        };
        return new OpenAIClient(new ApiKeyCredential(apiKey), clientOptions).GetChatClient(options.Model).AsIChatClient();
    }

    static IChatClient Anthropic(ServiceOptions options, HttpClient http)
    {
        var client = new AnthropicClient
        {
            ApiKey = null, // null = read no credential from the environment; AnthropicApiKeyHandler sends ours
            BaseUrl = options.ResolvedBaseUrl,
            MaxRetries = 0,
            Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds * 2 + 5),
            HttpClient = http,
        };
        // The Messages API requires max_tokens; calls that set MaxOutputTokens override this default.
        return client.AsIChatClient(options.Model, defaultMaxOutputTokens: 1024);
    }
}
