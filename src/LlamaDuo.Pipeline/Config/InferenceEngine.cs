using System.Runtime.Serialization;

namespace LlamaDuo.Pipeline.Config;

/// <summary>Where batch inference on the test split runs.</summary>
public enum InferenceEngine
{
    /// <summary>Our TorchSharp generator, straight from the training weights.</summary>
    [EnumMember(Value = "torch")] Torch,
    /// <summary>llama.cpp through LLamaSharp, on a GGUF export of the round's model.</summary>
    [EnumMember(Value = "llamacpp")] LlamaCpp,
    /// <summary>Any OpenAI-compatible server (vLLM, Ollama, llama.cpp server) at <c>inference.base_url</c>.</summary>
    [EnumMember(Value = "remote")] Remote,
}
