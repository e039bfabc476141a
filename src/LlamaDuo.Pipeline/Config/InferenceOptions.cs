namespace LlamaDuo.Pipeline.Config;

/// <summary>The <c>inference</c> section: sampling K responses per test prompt (paper: K = 4, temperature 0.8).</summary>
public sealed record InferenceOptions
{
    /// <summary>Generation engine.</summary>
    public InferenceEngine Engine { get; init; } = InferenceEngine.Auto;

    /// <summary>Sampled responses per test prompt (paper: 4).</summary>
    public int K { get; init; } = 4;

    /// <summary>Sampling temperature (paper: 0.8).</summary>
    public double Temperature { get; init; } = 0.8;

    /// <summary>Nucleus sampling mass; 1 turns it off.</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Top-k sampling; 0 turns it off.</summary>
    public int TopK { get; init; } = 0;

    /// <summary>Most new tokens per response (paper: 1024; always capped by the model's context).</summary>
    public int MaxNewTokens { get; init; } = 1024;

    /// <summary>Strings that end a response early.</summary>
    public IReadOnlyList<string> Stop { get; init; } = [];

    /// <summary>Sequences (prompt x sample) decoded together; on llama.cpp at least K, so a prompt's samples share its prefill.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Seed of the sampler.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Server URL for the remote engine (an OpenAI-compatible /v1 base: vLLM, llama.cpp server, Ollama, llamaduo serve).</summary>
    public string? BaseUrl { get; init; }

    /// <summary>Model name sent to the remote engine (vLLM: the round's LoRA adapter name).</summary>
    public string Model { get; init; } = "llamaduo";

    /// <summary>Environment variable holding the remote server's API key, if it needs one.</summary>
    public string? ApiKeyEnv { get; init; }

    /// <summary>Requests in flight at once to the remote (or llama.cpp) engine.</summary>
    public int Concurrency { get; init; } = 4;
}
