namespace LlamaDuo.LlamaCpp.Gguf;

/// <summary>
/// ggml tensor types (numbered as ggml numbers them): the ones our writer produces (F32, F16, BF16, Q8_0) and the
/// ones llama.cpp's quantizer writes for the k-quant and legacy quants, so that our reader can report them.
/// </summary>
public enum GgufTensorType : uint
{
    F32 = 0,
    F16 = 1,
    Q4_0 = 2,
    Q4_1 = 3,
    Q5_0 = 6,
    Q5_1 = 7,
    Q8_0 = 8,
    Q2_K = 10,
    Q3_K = 11,
    Q4_K = 12,
    Q5_K = 13,
    Q6_K = 14,
    IQ4_NL = 20,
    BF16 = 30,
}
