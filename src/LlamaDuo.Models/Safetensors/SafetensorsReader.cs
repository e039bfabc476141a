using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Models.Safetensors;

/// <summary>
/// Reads the safetensors layout: an 8-byte little-endian header length, a JSON header (name -> dtype, shape,
/// data_offsets; optional "__metadata__" of strings), then the raw bytes. Torch-free, so GGUF export can read PEFT
/// adapters without libtorch; LlamaDuo.Torch's SafetensorsFile turns these into tensors.
/// </summary>
public static class SafetensorsReader
{
    /// <summary>The dtypes this reader accepts, with their size in bytes.</summary>
    public static readonly IReadOnlyDictionary<string, int> DtypeSizes = new Dictionary<string, int> { ["F32"] = 4, ["BF16"] = 2, ["F16"] = 2, ["I64"] = 8 };

    /// <summary>Reads every tensor of <paramref name="path"/> into memory, in the file's dtypes.</summary>
    public static Dictionary<string, SafetensorsTensor> Read(string path)
    {
        using var stream = File.OpenRead(path);
        var header = ReadHeader(stream, path);
        var dataStart = stream.Position;
        var result = new Dictionary<string, SafetensorsTensor>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__" || node is null) continue;
            var dtype = node["dtype"]!.GetValue<string>();
            if (!DtypeSizes.TryGetValue(dtype, out var size))
                throw new InputException("unsupported safetensors dtype (use F32, BF16, F16 or I64)", path, field: name, value: dtype);
            var shape = node["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            var offsets = node["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            var bytes = new byte[offsets[1] - offsets[0]];
            if (bytes.LongLength != shape.Aggregate(1L, (a, b) => a * b) * size)
                throw new InputException($"tensor size does not match its shape {JsonSerializer.Serialize(shape)}", path, field: name);
            stream.Position = dataStart + offsets[0];
            stream.ReadExactly(bytes);
            result[name] = new SafetensorsTensor(name, dtype, shape, bytes);
        }
        return result;
    }

    /// <summary>The "__metadata__" strings of a safetensors file (empty when it has none).</summary>
    public static Dictionary<string, string> ReadMetadata(string path)
    {
        using var stream = File.OpenRead(path);
        var meta = ReadHeader(stream, path)["__metadata__"]?.AsObject();
        return meta?.ToDictionary(kv => kv.Key, kv => kv.Value?.GetValue<string>() ?? "") ?? [];
    }

    static JsonObject ReadHeader(Stream stream, string path)
    {
        var lengthBytes = new byte[8];
        stream.ReadExactly(lengthBytes);
        var headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > (ulong)stream.Length - 8)
            throw new InputException("not a safetensors file (header length beyond the end)", path);
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        return JsonNode.Parse(headerBytes)?.AsObject() ?? throw new InputException("not a safetensors file (empty header)", path);
    }
}
