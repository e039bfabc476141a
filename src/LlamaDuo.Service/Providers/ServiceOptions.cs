using LlamaDuo.Core.Errors;
using LlamaDuo.Service.Batch;

namespace LlamaDuo.Service.Providers;

/// <summary>
/// The <c>service</c> section of the config: the service LLM used as judge and as synthesizer, and the middleware
/// around it. The YAML binds onto this record (snake_case keys: provider, model, base_url, api_key_env, limits,
/// retries, timeout_seconds, cache, prices, batch), and these are the defaults a config file overrides. The API key
/// itself never appears here: only the NAME of the environment variable that holds it. Where the cache and the
/// ledger live is the caller's business (<see cref="ServiceClientParts"/>), not config.
/// </summary>
public sealed record ServiceOptions
{
    /// <summary>Provider kind.</summary>
    public ServiceProvider Provider { get; init; } = ServiceProvider.OpenAI;

    /// <summary>Model id at the provider (paper: GPT-4o, Claude 3 Sonnet, Gemini 1.5 Flash).</summary>
    public string Model { get; init; } = "gpt-4o";

    /// <summary>Endpoint root; null uses the provider's default (required for openai-compatible and demo).</summary>
    public string? BaseUrl { get; init; }

    /// <summary>Environment variable holding the API key; null uses the provider's usual one (OPENAI_API_KEY, ...).</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>Client-side rate limits and the one concurrency bound.</summary>
    public ServiceLimits Limits { get; init; } = new();

    /// <summary>Retries of a failed call (429, 5xx, timeouts) after the first attempt, with backoff honouring Retry-After.</summary>
    public int Retries { get; init; } = 6;

    /// <summary>Seconds one attempt may take before it is abandoned and retried.</summary>
    public int TimeoutSeconds { get; init; } = 120;

    /// <summary>Keep a persistent response cache (when the caller gives it a place) so a resumed run never pays for the same call twice.</summary>
    public bool Cache { get; init; } = true;

    /// <summary>Price override for <see cref="Model"/> in cost accounting.</summary>
    public PriceOverride Prices { get; init; } = new();

    /// <summary>Provider batch mode (OpenAI Batch, Anthropic Message Batches); off by default.</summary>
    public BatchOptions Batch { get; init; } = new();

    /// <summary>The provider's name as written in config, the ledger and cache keys ("openai-compatible").</summary>
    public string ProviderName => ServiceProviders.Name(Provider);

    /// <summary>The base URL after per-provider defaults.</summary>
    public string ResolvedBaseUrl => BaseUrl ?? ServiceProviders.DefaultBaseUrl(Provider) ?? "";

    /// <summary>The key variable's name after per-provider defaults; null for providers that need no key (demo).</summary>
    public string? ResolvedApiKeyEnv => ApiKeyEnv ?? ServiceProviders.DefaultKeyVariable(Provider);

    /// <summary>
    /// Checks everything that can be checked without a call: provider name, base URL, key variable set, numbers in
    /// range, price overrides. Returns the API key read from the environment (null for demo), or throws an
    /// InputException whose message says what to fix.
    /// </summary>
    public string? Validate(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (!Enum.IsDefined(Provider))
            throw new InputException($"unknown provider; valid providers are: {string.Join(", ", ServiceProviders.All)}",
                field: "provider", value: Provider.ToString());
        if (string.IsNullOrWhiteSpace(Model))
            throw new InputException("a model id is required (for example gpt-4o-mini)", field: "model");
        if (string.IsNullOrEmpty(ResolvedBaseUrl))
            throw new InputException($"provider '{ProviderName}' needs base_url (for example http://127.0.0.1:8000/v1)", field: "base_url");
        if (!Uri.TryCreate(ResolvedBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new InputException("base_url must be an absolute http(s) URL", field: "base_url", value: ResolvedBaseUrl);
        if (TimeoutSeconds < 1) throw new InputException("timeout_seconds must be at least 1", field: "timeout_seconds", value: TimeoutSeconds.ToString());
        if (Retries < 0) throw new InputException("retries must be >= 0", field: "retries", value: Retries.ToString());
        if (Limits.Rpm < 0) throw new InputException("limits.rpm must be >= 0 (0 = no limit)", field: "limits.rpm", value: Limits.Rpm.ToString());
        if (Limits.Tpm < 0) throw new InputException("limits.tpm must be >= 0 (0 = no limit)", field: "limits.tpm", value: Limits.Tpm.ToString());
        if (Limits.Concurrency < 1) throw new InputException("limits.concurrency must be >= 1", field: "limits.concurrency", value: Limits.Concurrency.ToString());
        ValidateBatch();
        _ = ResolvePrices();
        return ReadApiKey(environment);
    }

    /// <summary>The default price table with this config's override and batch price factor applied (throws on a negative price).</summary>
    public PriceTable ResolvePrices()
    {
        var table = Prices.InputPerMillion is null && Prices.OutputPerMillion is null ? PriceTable.Defaults
            : PriceTable.Defaults.With([KeyValuePair.Create(Model, Prices.ToModelPrice())]);
        return Batch.PriceFactor is { } factor ? table.WithBatchFactor((decimal)factor) : table;
    }

    void ValidateBatch()
    {
        if (Batch.PriceFactor is < 0 or > 1)
            throw new InputException("batch.price_factor must be in [0, 1] (0.5 = half the list price)", field: "batch.price_factor", value: Batch.PriceFactor.ToString());
        if (!Batch.Enabled) return;
        if (Provider == ServiceProvider.Gemini)
            throw new InputException("batch mode supports openai, anthropic, openai-compatible and demo; Gemini's batch API is not supported: set batch.enabled: false",
                field: "batch", value: ProviderName);
        if (Batch.PollS <= 0) throw new InputException("batch.poll_s must be > 0", field: "batch.poll_s", value: Batch.PollS.ToString());
        if (Batch.MaxRequests < 1) throw new InputException("batch.max_requests must be >= 1", field: "batch.max_requests", value: Batch.MaxRequests.ToString());
        if (Batch.WindowMs < 0) throw new InputException("batch.window_ms must be >= 0", field: "batch.window_ms", value: Batch.WindowMs.ToString());
    }

    string? ReadApiKey(Func<string, string?> environment)
    {
        var variable = ResolvedApiKeyEnv;
        if (variable is null)
        {
            if (Provider == ServiceProvider.OpenAICompatible)
                return "none"; // local servers (vLLM, Ollama, llama.cpp) usually take no key; the SDK still wants one.
            return null;
        }
        var key = environment(variable);
        if (string.IsNullOrEmpty(key))
            throw new InputException(
                $"the API key variable {variable} is not set; export {variable}=... in the shell (the key is never read from config)",
                field: "api_key_env", value: variable);
        return key;
    }
}
