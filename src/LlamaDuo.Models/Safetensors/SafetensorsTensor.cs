using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace LlamaDuo.Models.Safetensors;

/// <summary>One tensor of a safetensors file as stored: its dtype name ("F32", "BF16", "F16", "I64"), shape and raw little-endian bytes.</summary>
public sealed record SafetensorsTensor(string Name, string Dtype, long[] Shape, byte[] Data)
{
    /// <summary>The values as fp32, row-major (floating-point dtypes only).</summary>
    public float[] ToFloats() => Dtype switch
    {
        "F32" => MemoryMarshal.Cast<byte, float>(Data).ToArray(),
        "F16" => Convert(2, b => (float)BinaryPrimitives.ReadHalfLittleEndian(b)),
        // bf16 is the top half of an fp32: shift it back into place.
        "BF16" => Convert(2, b => BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(b) << 16)),
        _ => throw new InvalidOperationException($"safetensors tensor '{Name}' has dtype {Dtype}, not a floating-point type"),
    };

    delegate float Decode(ReadOnlySpan<byte> bytes);

    float[] Convert(int size, Decode decode)
    {
        var values = new float[Data.Length / size];
        for (int i = 0; i < values.Length; i++) values[i] = decode(Data.AsSpan(i * size, size));
        return values;
    }
}
