namespace LlamaDuo.Service.Providers;

/// <summary>What each <see cref="ServiceProvider"/> is called and defaults to.</summary>
internal static class ServiceProviders
{
    /// <summary>Every provider name, in the order error messages list them.</summary>
    public static readonly IReadOnlyList<string> All = [.. Enum.GetValues<ServiceProvider>().Select(Name)];

    /// <summary>Gemini's OpenAI-compatible base URL.</summary>
    public const string GeminiBaseUrl = "https://generativelanguage.googleapis.com/v1beta/openai/";

    /// <summary>The name a config, the ledger and cache keys use ("openai-compatible").</summary>
    public static string Name(ServiceProvider provider) => provider switch
    {
        ServiceProvider.OpenAI => "openai",
        ServiceProvider.Anthropic => "anthropic",
        ServiceProvider.Gemini => "gemini",
        ServiceProvider.OpenAICompatible => "openai-compatible",
        ServiceProvider.Demo => "demo",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
    };

    /// <summary>The base URL used when the config gives none, or null when the provider requires one.</summary>
    public static string? DefaultBaseUrl(ServiceProvider provider) => provider switch
    {
        ServiceProvider.OpenAI => "https://api.openai.com/v1",
        ServiceProvider.Anthropic => "https://api.anthropic.com",
        ServiceProvider.Gemini => GeminiBaseUrl,
        _ => null,
    };

    /// <summary>The environment variable that conventionally holds the provider's key, used when api_key_env is unset.</summary>
    public static string? DefaultKeyVariable(ServiceProvider provider) => provider switch
    {
        ServiceProvider.OpenAI => "OPENAI_API_KEY",
        ServiceProvider.Anthropic => "ANTHROPIC_API_KEY",
        ServiceProvider.Gemini => "GEMINI_API_KEY",
        _ => null,
    };
}
