using System.Runtime.Serialization;

namespace LlamaDuo.Service.Providers;

/// <summary>Which service LLM plays judge and synthesizer.</summary>
public enum ServiceProvider
{
    [EnumMember(Value = "openai")] OpenAI,
    [EnumMember(Value = "anthropic")] Anthropic,
    /// <summary>Gemini through Google's OpenAI-compatible endpoint.</summary>
    [EnumMember(Value = "gemini")] Gemini,
    /// <summary>Any OpenAI-compatible server at <c>base_url</c> (vLLM, Ollama, Together, Groq, llama.cpp server).</summary>
    [EnumMember(Value = "openai-compatible")] OpenAICompatible,
    /// <summary>The offline demo service on loopback: a deterministic stand-in, not a real LLM.</summary>
    [EnumMember(Value = "demo")] Demo,
}
