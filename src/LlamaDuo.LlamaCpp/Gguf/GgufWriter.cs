using System.Text;

namespace LlamaDuo.LlamaCpp.Gguf;

/// <summary>
/// Writes GGUF version 3: header, metadata, tensor infos, then tensor data, each tensor starting on an
/// <see cref="Alignment"/>-byte boundary of the data section. All integers are little-endian.
/// </summary>
internal static class GgufWriter
{
    public const uint Magic = 0x46554747; // "GGUF" read as a little-endian uint32
    public const uint Version = 3;
    public const int Alignment = 32;

    /// <summary>
    /// Writes a GGUF file atomically: to a temporary file beside <paramref name="path"/>, then renamed over it,
    /// so a failed export never leaves a truncated model behind.
    /// </summary>
    public static void WriteFile(string path, GgufMetadata metadata, IReadOnlyList<GgufTensor> tensors)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = $"{full}.tmp-{Guid.NewGuid():N}";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
                Write(stream, metadata, tensors);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes a GGUF image to <paramref name="stream"/>; tensor data is pulled one tensor at a time.</summary>
    public static void Write(Stream stream, GgufMetadata metadata, IReadOnlyList<GgufTensor> tensors)
    {
        CheckNames(tensors);
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write((ulong)tensors.Count);
        w.Write((ulong)metadata.Entries.Count);
        foreach (var entry in metadata.Entries)
        {
            WriteString(w, entry.Key);
            w.Write((uint)entry.Type);
            WriteValue(w, entry.Type, entry.ElementType, entry.Value);
        }

        long offset = 0;
        foreach (var t in tensors)
        {
            WriteString(w, t.Name);
            w.Write((uint)t.Shape.Length);
            // ggml lists dimensions innermost first: a PyTorch [rows, cols] matrix is ne = {cols, rows}.
            for (int i = t.Shape.Length - 1; i >= 0; i--) w.Write((ulong)t.Shape[i]);
            w.Write((uint)t.Type);
            w.Write((ulong)offset);
            offset += Pad(t.ByteSize);
        }
        PadTo(w, w.BaseStream.Position);

        foreach (var t in tensors)
        {
            WriteData(w, t);
            PadTo(w, t.ByteSize);
        }
    }

    /// <summary>
    /// Encodes one tensor's values straight into the stream, a chunk at a time, so at most its fp32 values are held
    /// (never a second copy of it as bytes). A large tensor's values are collected before the next one is read:
    /// left to the GC's own pace, the ~1 GB arrays of a 1B model's embedding and head piled up by several GB.
    /// </summary>
    static void WriteData(BinaryWriter w, GgufTensor t)
    {
        long length;
        {
            var values = t.ReadData();
            length = values.LongLength;
            if (length != t.ElementCount)
                throw new InvalidOperationException($"Tensor '{t.Name}' has {values.LongLength} values, its shape needs {t.ElementCount}.");
            GgufEncoding.EncodeTo(t.Type, values, w.BaseStream);
        }
        if (length * sizeof(float) >= LargeTensorBytes) GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>Tensors at least this large (fp32 bytes) are collected right after they are written.</summary>
    const long LargeTensorBytes = 256L << 20;

    static void CheckNames(IReadOnlyList<GgufTensor> tensors)
    {
        var seen = new HashSet<string>();
        foreach (var t in tensors)
        {
            if (!seen.Add(t.Name)) throw new ArgumentException($"Tensor '{t.Name}' appears twice.");
            // llama.cpp keeps tensor names in a fixed 64-byte buffer (63 characters and a terminator).
            if (Encoding.UTF8.GetByteCount(t.Name) >= 64) throw new ArgumentException($"Tensor name '{t.Name}' is longer than 63 bytes.");
        }
    }

    static long Pad(long size) => (size + Alignment - 1) / Alignment * Alignment;

    static void PadTo(BinaryWriter w, long written)
    {
        for (long i = written; i < Pad(written); i++) w.Write((byte)0);
    }

    static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    static void WriteValue(BinaryWriter w, GgufValueType type, GgufValueType elementType, object value)
    {
        switch (type)
        {
            case GgufValueType.String: WriteString(w, (string)value); break;
            case GgufValueType.UInt32: w.Write((uint)value); break;
            case GgufValueType.Int32: w.Write((int)value); break;
            case GgufValueType.Float32: w.Write((float)value); break;
            case GgufValueType.Bool: w.Write((bool)value ? (byte)1 : (byte)0); break;
            case GgufValueType.Array: WriteArray(w, elementType, value); break;
            default: throw new ArgumentOutOfRangeException(nameof(type), type, "metadata type not written by LlamaDuo");
        }
    }

    static void WriteArray(BinaryWriter w, GgufValueType elementType, object value)
    {
        w.Write((uint)elementType);
        switch (value)
        {
            case IReadOnlyList<string> strings:
                w.Write((ulong)strings.Count);
                foreach (var s in strings) WriteString(w, s);
                break;
            case IReadOnlyList<float> floats:
                w.Write((ulong)floats.Count);
                foreach (var f in floats) w.Write(f);
                break;
            case IReadOnlyList<int> ints:
                w.Write((ulong)ints.Count);
                foreach (var i in ints) w.Write(i);
                break;
            default: throw new ArgumentException($"unsupported GGUF array of {value.GetType().Name}");
        }
    }
}
