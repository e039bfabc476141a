using System.Runtime.Serialization;

namespace LlamaDuo.Pipeline.Config;

/// <summary>Where batch inference on the test split runs.</summary>
public enum InferenceEngine
{
    /// <summary>
    /// llama.cpp with the round's LoRA as an adapter GGUF on the run's base GGUF when its logits reproduce our
    /// TorchSharp model's on a test prompt (checked every round), else our TorchSharp generator.
    /// </summary>
    [EnumMember(Value = "auto")] Auto,
    /// <summary>Our TorchSharp generator, straight from the training weights.</summary>
    [EnumMember(Value = "torch")] Torch,
    /// <summary>llama.cpp through LLamaSharp, as auto but without the fallback: a failed logit check only warns.</summary>
    [EnumMember(Value = "llamacpp")] LlamaCpp,
    /// <summary>Any OpenAI-compatible server (vLLM, Ollama, llama.cpp server) at <c>inference.base_url</c>.</summary>
    [EnumMember(Value = "remote")] Remote,
}
