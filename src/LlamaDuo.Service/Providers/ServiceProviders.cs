namespace LlamaDuo.Service.Providers;

/// <summary>The provider names a config may use, and what each one defaults to.</summary>
public static class ServiceProviders
{
    /// <summary>OpenAI's own API (https://api.openai.com/v1).</summary>
    public const string OpenAi = "openai";

    /// <summary>Any server that speaks OpenAI chat completions (vLLM, Ollama, llama.cpp, Together, Groq...); needs base_url.</summary>
    public const string OpenAiCompatible = "openai-compatible";

    /// <summary>Anthropic's Messages API.</summary>
    public const string Anthropic = "anthropic";

    /// <summary>Google Gemini through its OpenAI-compatible endpoint.</summary>
    public const string Gemini = "gemini";

    /// <summary>Our own demo service: a deterministic stand-in, not a language model; needs no key.</summary>
    public const string Demo = "demo";

    /// <summary>Every valid provider name, in the order error messages list them.</summary>
    public static readonly IReadOnlyList<string> All = [OpenAi, OpenAiCompatible, Anthropic, Gemini, Demo];

    /// <summary>Gemini's OpenAI-compatible base URL.</summary>
    public const string GeminiBaseUrl = "https://generativelanguage.googleapis.com/v1beta/openai/";

    /// <summary>The base URL used when the config gives none, or null when the provider requires one.</summary>
    public static string? DefaultBaseUrl(string provider) => provider switch
    {
        OpenAi => "https://api.openai.com/v1",
        Anthropic => "https://api.anthropic.com",
        Gemini => GeminiBaseUrl,
        _ => null,
    };

    /// <summary>The environment variable that conventionally holds the provider's key, used when api_key_env is unset.</summary>
    public static string? DefaultKeyVariable(string provider) => provider switch
    {
        OpenAi => "OPENAI_API_KEY",
        Anthropic => "ANTHROPIC_API_KEY",
        Gemini => "GEMINI_API_KEY",
        _ => null,
    };
}
