namespace LlamaDuo.Pipeline.Config;

/// <summary>The <c>service</c> section: the cloud LLM used as judge and as synthesizer. Keys are read from the environment only.</summary>
public sealed record ServiceOptions
{
    /// <summary>Provider kind.</summary>
    public ServiceProvider Provider { get; init; } = ServiceProvider.OpenAI;

    /// <summary>Model name at the provider (paper: GPT-4o, Claude 3 Sonnet, Gemini 1.5 Flash).</summary>
    public string Model { get; init; } = "gpt-4o";

    /// <summary>Endpoint URL; null uses the provider's default.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>Environment variable holding the API key; null uses the provider's usual one (OPENAI_API_KEY, ...).</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>Client-side rate limits.</summary>
    public ServiceLimits Limits { get; init; } = new();

    /// <summary>Retries of a failed call (429, 5xx, timeouts), with backoff honouring Retry-After.</summary>
    public int Retries { get; init; } = 6;

    /// <summary>Seconds before one call is abandoned and retried.</summary>
    public int TimeoutSeconds { get; init; } = 120;

    /// <summary>Keep a persistent response cache so a resumed run never pays for the same call twice.</summary>
    public bool Cache { get; init; } = true;

    /// <summary>Price override for cost accounting.</summary>
    public PriceOverride Prices { get; init; } = new();

    /// <summary>Provider batch mode for judge and synthesis calls.</summary>
    public ServiceBatchOptions Batch { get; init; } = new();
}
