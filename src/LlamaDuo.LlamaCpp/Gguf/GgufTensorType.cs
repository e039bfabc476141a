namespace LlamaDuo.LlamaCpp.Gguf;

/// <summary>The ggml tensor types our writer produces (numbered as ggml numbers them).</summary>
public enum GgufTensorType : uint
{
    F32 = 0,
    F16 = 1,
    Q8_0 = 8,
    BF16 = 30,
}
