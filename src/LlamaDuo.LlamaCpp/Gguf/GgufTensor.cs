namespace LlamaDuo.LlamaCpp.Gguf;

/// <summary>
/// A tensor to write: its GGUF name, its shape in row-major (PyTorch) order, the type to store it as, and a function
/// that yields its fp32 values when the writer reaches it (so a large model is never held twice in memory).
/// </summary>
public sealed record GgufTensor(string Name, long[] Shape, GgufTensorType Type, Func<float[]> ReadData)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Bytes this tensor takes in the file, before alignment padding.</summary>
    public long ByteSize => GgufEncoding.ByteSize(Type, ElementCount);
}
