using System.Buffers.Binary;

namespace LlamaDuo.LlamaCpp.Gguf;

/// <summary>Converts fp32 values to the byte layout of each ggml type we write, and sizes every type we read.</summary>
internal static class GgufEncoding
{
    /// <summary>Values per Q8_0 block; a Q8_0 block is one fp16 scale followed by this many int8 values.</summary>
    public const int Q8BlockSize = 32;
    const int Q8BlockBytes = 2 + Q8BlockSize;

    public static long ByteSize(GgufTensorType type, long elements) => type switch
    {
        GgufTensorType.F32 => elements * 4,
        GgufTensorType.F16 or GgufTensorType.BF16 => elements * 2,
        GgufTensorType.Q8_0 => elements / Q8BlockSize * Q8BlockBytes,
        // Types only llama.cpp's quantizer writes: (values per block, bytes per block) from ggml's block structs.
        GgufTensorType.Q4_0 or GgufTensorType.IQ4_NL => elements / 32 * 18,
        GgufTensorType.Q4_1 => elements / 32 * 20,
        GgufTensorType.Q5_0 => elements / 32 * 22,
        GgufTensorType.Q5_1 => elements / 32 * 24,
        GgufTensorType.Q2_K => elements / 256 * 84,
        GgufTensorType.Q3_K => elements / 256 * 110,
        GgufTensorType.Q4_K => elements / 256 * 144,
        GgufTensorType.Q5_K => elements / 256 * 176,
        GgufTensorType.Q6_K => elements / 256 * 210,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported GGUF tensor type"),
    };

    /// <summary>
    /// Writes <paramref name="values"/> encoded as <paramref name="type"/> to <paramref name="stream"/>, through a
    /// buffer of at most ~1 MB (F32 on a little-endian machine goes out as it is): the same bytes as <see cref="Encode"/>.
    /// </summary>
    public static void EncodeTo(GgufTensorType type, ReadOnlySpan<float> values, Stream stream)
    {
        if (type == GgufTensorType.F32 && BitConverter.IsLittleEndian)
        {
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
            return;
        }
        if (type == GgufTensorType.Q8_0 && values.Length % Q8BlockSize != 0)
            throw new ArgumentException($"Q8_0 needs a multiple of {Q8BlockSize} values, got {values.Length}.");
        const int chunk = 1 << 18; // values per write: a whole number of Q8_0 blocks
        for (int start = 0; start < values.Length; start += chunk)
            stream.Write(Encode(type, values.Slice(start, Math.Min(chunk, values.Length - start))));
    }

    /// <summary>Encodes <paramref name="values"/> as <paramref name="type"/> into a new byte array.</summary>
    public static byte[] Encode(GgufTensorType type, ReadOnlySpan<float> values)
    {
        var bytes = new byte[ByteSize(type, values.Length)];
        switch (type)
        {
            case GgufTensorType.F32:
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
                break;
            case GgufTensorType.F16:
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteHalfLittleEndian(bytes.AsSpan(i * 2), (Half)values[i]);
                break;
            case GgufTensorType.BF16:
                for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), ToBFloat16(values[i]));
                break;
            case GgufTensorType.Q8_0:
                if (values.Length % Q8BlockSize != 0)
                    throw new ArgumentException($"Q8_0 needs a multiple of {Q8BlockSize} values, got {values.Length}.");
                for (int b = 0; b < values.Length / Q8BlockSize; b++)
                    EncodeQ8Block(values.Slice(b * Q8BlockSize, Q8BlockSize), bytes.AsSpan(b * Q8BlockBytes, Q8BlockBytes));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported GGUF tensor type");
        }
        return bytes;
    }

    /// <summary>Rounds to nearest even on the 16 high bits, as PyTorch does; NaN stays a quiet NaN.</summary>
    public static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    public static float FromBFloat16(ushort value) => BitConverter.UInt32BitsToSingle((uint)value << 16);

    // One block: scale d = max|x| / 127 stored as fp16, then round(x / d) as int8.
    static void EncodeQ8Block(ReadOnlySpan<float> x, Span<byte> block)
    {
        float amax = 0;
        foreach (var v in x) amax = MathF.Max(amax, MathF.Abs(v));
        float d = amax / 127f;
        float inverse = d != 0 ? 1f / d : 0f;
        BinaryPrimitives.WriteHalfLittleEndian(block, (Half)d);
        for (int i = 0; i < Q8BlockSize; i++)
            block[2 + i] = unchecked((byte)(sbyte)MathF.Round(x[i] * inverse, MidpointRounding.AwayFromZero));
    }

    /// <summary>Decodes a Q8_0 payload back to fp32 (for tests and error reports).</summary>
    public static float[] DecodeQ8(ReadOnlySpan<byte> bytes)
    {
        int blocks = bytes.Length / Q8BlockBytes;
        var values = new float[blocks * Q8BlockSize];
        for (int b = 0; b < blocks; b++)
        {
            var block = bytes.Slice(b * Q8BlockBytes, Q8BlockBytes);
            float d = (float)BinaryPrimitives.ReadHalfLittleEndian(block);
            for (int i = 0; i < Q8BlockSize; i++) values[b * Q8BlockSize + i] = d * (sbyte)block[2 + i];
        }
        return values;
    }
}
