using LlamaDuo.Core.Errors;
using LlamaDuo.Service.Batch;

namespace LlamaDuo.Service.Providers;

/// <summary>
/// One service LLM and the middleware around it. Config keys (YAML): provider, model, base_url, api_key_env,
/// timeout_s, max_retries,
/// retry_base_delay_s, retry_max_delay_s, requests_per_minute, tokens_per_minute, max_concurrency, prices, cache_path, ledger_path,
/// batch.
/// The API key itself never appears here: only the NAME of the environment variable that holds it.
/// </summary>
public sealed record ServiceOptions
{
    /// <summary>One of <see cref="ServiceProviders.All"/>.</summary>
    public string Provider { get; init; } = ServiceProviders.Demo;

    /// <summary>The provider's model id (e.g. gpt-4o-mini, claude-sonnet-4-20250514, gemini-2.5-flash).</summary>
    public string Model { get; init; } = "llamaduo-demo-service";

    /// <summary>Endpoint root; defaults per provider (required for openai-compatible and demo).</summary>
    public string? BaseUrl { get; init; }

    /// <summary>Name of the environment variable holding the API key; defaults per provider (OPENAI_API_KEY...).</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>Per-attempt timeout in seconds.</summary>
    public double TimeoutS { get; init; } = 60;

    /// <summary>Retries after the first attempt (so at most 1 + MaxRetries attempts per call).</summary>
    public int MaxRetries { get; init; } = 6;

    /// <summary>Backoff scale: the wait before retry n is drawn from [0, min(retry_max_delay_s, retry_base_delay_s * 2^n)].</summary>
    public double RetryBaseDelayS { get; init; } = 0.5;

    /// <summary>Cap on one backoff wait (a server's Retry-After is honoured up to 120 s regardless).</summary>
    public double RetryMaxDelayS { get; init; } = 30;

    /// <summary>Request rate limit; 0 = none.</summary>
    public int RequestsPerMinute { get; init; }

    /// <summary>Token rate limit (input estimate + max output tokens per request); 0 = none.</summary>
    public int TokensPerMinute { get; init; }

    /// <summary>Calls in flight at once.</summary>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>Price overrides: model id -> "INPUT/OUTPUT" dollars per 1M tokens.</summary>
    public IReadOnlyDictionary<string, string>? Prices { get; init; }

    /// <summary>SQLite response cache file; null = no cache.</summary>
    public string? CachePath { get; init; }

    /// <summary>JSONL ledger file; null = in-memory ledger only.</summary>
    public string? LedgerPath { get; init; }

    /// <summary>Provider batch mode (OpenAI Batch, Anthropic Message Batches); off by default.</summary>
    public BatchOptions Batch { get; init; } = new();

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
        if (!ServiceProviders.All.Contains(Provider))
            throw new InputException($"unknown provider; valid providers are: {string.Join(", ", ServiceProviders.All)}",
                field: "provider", value: Provider);
        if (string.IsNullOrWhiteSpace(Model))
            throw new InputException("a model id is required (for example gpt-4o-mini)", field: "model");
        if (string.IsNullOrEmpty(ResolvedBaseUrl))
            throw new InputException($"provider '{Provider}' needs base_url (for example http://127.0.0.1:8000/v1)", field: "base_url");
        if (!Uri.TryCreate(ResolvedBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new InputException("base_url must be an absolute http(s) URL", field: "base_url", value: ResolvedBaseUrl);
        if (TimeoutS <= 0) throw new InputException("timeout_s must be > 0", field: "timeout_s", value: TimeoutS.ToString());
        if (MaxRetries < 0) throw new InputException("max_retries must be >= 0", field: "max_retries", value: MaxRetries.ToString());
        if (RetryBaseDelayS < 0 || RetryMaxDelayS < 0)
            throw new InputException("retry delays must be >= 0", field: RetryBaseDelayS < 0 ? "retry_base_delay_s" : "retry_max_delay_s");
        if (RequestsPerMinute < 0) throw new InputException("requests_per_minute must be >= 0 (0 = no limit)", field: "requests_per_minute", value: RequestsPerMinute.ToString());
        if (TokensPerMinute < 0) throw new InputException("tokens_per_minute must be >= 0 (0 = no limit)", field: "tokens_per_minute", value: TokensPerMinute.ToString());
        if (MaxConcurrency < 1) throw new InputException("max_concurrency must be >= 1", field: "max_concurrency", value: MaxConcurrency.ToString());
        ValidateBatch();
        _ = ResolvePrices();
        return ReadApiKey(environment);
    }

    /// <summary>The default price table with this config's overrides and batch price factor applied (throws on a malformed override).</summary>
    public PriceTable ResolvePrices()
    {
        var table = Prices is null ? PriceTable.Defaults
            : PriceTable.Defaults.With(Prices.Select(p => KeyValuePair.Create(p.Key, PriceTable.ParseOverride(p.Key, p.Value))));
        return Batch.PriceFactor is { } factor ? table.WithBatchFactor((decimal)factor) : table;
    }

    void ValidateBatch()
    {
        if (Batch.PriceFactor is < 0 or > 1)
            throw new InputException("batch.price_factor must be in [0, 1] (0.5 = half the list price)", field: "batch.price_factor", value: Batch.PriceFactor.ToString());
        if (!Batch.Enabled) return;
        if (Provider == ServiceProviders.Gemini)
            throw new InputException("batch mode supports openai, anthropic, openai-compatible and demo; Gemini's batch API is not supported: set batch.enabled: false",
                field: "batch", value: Provider);
        if (Batch.PollS <= 0) throw new InputException("batch.poll_s must be > 0", field: "batch.poll_s", value: Batch.PollS.ToString());
        if (Batch.MaxRequests < 1) throw new InputException("batch.max_requests must be >= 1", field: "batch.max_requests", value: Batch.MaxRequests.ToString());
        if (Batch.WindowMs < 0) throw new InputException("batch.window_ms must be >= 0", field: "batch.window_ms", value: Batch.WindowMs.ToString());
    }

    string? ReadApiKey(Func<string, string?> environment)
    {
        var variable = ResolvedApiKeyEnv;
        if (variable is null)
        {
            if (Provider == ServiceProviders.OpenAiCompatible)
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
