using System.Text;

namespace LlamaDuo.LlamaCpp.Gguf;

/// <summary>Where one tensor lies in a GGUF file; <see cref="Dimensions"/> is in ggml order (innermost first).</summary>
public sealed record GgufTensorInfo(string Name, ulong[] Dimensions, GgufTensorType Type, long FileOffset);

/// <summary>
/// Reads a GGUF file's metadata and tensor table (not the weights). Used to check exports and to report what a
/// file holds; llama.cpp itself does the real loading.
/// </summary>
public sealed class GgufReader
{
    public required uint Version { get; init; }
    public required IReadOnlyDictionary<string, object> Metadata { get; init; }
    public required IReadOnlyList<GgufTensorInfo> Tensors { get; init; }

    public static GgufReader Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var r = new BinaryReader(stream, Encoding.UTF8);
        if (stream.Length < 24 || r.ReadUInt32() != GgufWriter.Magic) throw new InvalidDataException($"{path}: not a GGUF file (bad magic).");
        uint version = r.ReadUInt32();
        ulong tensorCount = r.ReadUInt64(), kvCount = r.ReadUInt64();
        var metadata = new Dictionary<string, object>();
        for (ulong i = 0; i < kvCount; i++)
        {
            var key = ReadString(r);
            metadata[key] = ReadValue(r, (GgufValueType)r.ReadUInt32());
        }
        var infos = new List<(string Name, ulong[] Dims, GgufTensorType Type, ulong Offset)>();
        for (ulong i = 0; i < tensorCount; i++)
        {
            var name = ReadString(r);
            var dims = new ulong[r.ReadUInt32()];
            for (int d = 0; d < dims.Length; d++) dims[d] = r.ReadUInt64();
            infos.Add((name, dims, (GgufTensorType)r.ReadUInt32(), r.ReadUInt64()));
        }
        long alignment = metadata.TryGetValue("general.alignment", out var a) ? (uint)a : GgufWriter.Alignment;
        long dataStart = (stream.Position + alignment - 1) / alignment * alignment;
        return new GgufReader
        {
            Version = version,
            Metadata = metadata,
            Tensors = infos.Select(t => new GgufTensorInfo(t.Name, t.Dims, t.Type, dataStart + (long)t.Offset)).ToList(),
        };
    }

    /// <summary>Reads one tensor's raw bytes.</summary>
    public byte[] ReadTensorBytes(string path, GgufTensorInfo info)
    {
        long elements = info.Dimensions.Aggregate(1L, (p, d) => p * (long)d);
        var bytes = new byte[GgufEncoding.ByteSize(info.Type, elements)];
        using var stream = File.OpenRead(path);
        stream.Position = info.FileOffset;
        stream.ReadExactly(bytes);
        return bytes;
    }

    static string ReadString(BinaryReader r) => Encoding.UTF8.GetString(r.ReadBytes(checked((int)r.ReadUInt64())));

    static object ReadValue(BinaryReader r, GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => r.ReadByte(),
        GgufValueType.Int8 => r.ReadSByte(),
        GgufValueType.UInt16 => r.ReadUInt16(),
        GgufValueType.Int16 => r.ReadInt16(),
        GgufValueType.UInt32 => r.ReadUInt32(),
        GgufValueType.Int32 => r.ReadInt32(),
        GgufValueType.Float32 => r.ReadSingle(),
        GgufValueType.Bool => r.ReadByte() != 0,
        GgufValueType.String => ReadString(r),
        GgufValueType.UInt64 => r.ReadUInt64(),
        GgufValueType.Int64 => r.ReadInt64(),
        GgufValueType.Float64 => r.ReadDouble(),
        GgufValueType.Array => ReadArray(r),
        _ => throw new InvalidDataException($"unknown GGUF value type {(uint)type}"),
    };

    static object[] ReadArray(BinaryReader r)
    {
        var elementType = (GgufValueType)r.ReadUInt32();
        var items = new object[checked((int)r.ReadUInt64())];
        for (int i = 0; i < items.Length; i++) items[i] = ReadValue(r, elementType);
        return items;
    }
}
