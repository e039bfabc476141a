using System.Text;
using System.Text.Json.Nodes;
using LlamaDuo.Models.Safetensors;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Lora;

/// <summary>
/// Reads and writes a dictionary of named tensors in the safetensors layout: an 8-byte little-endian header length,
/// a JSON header (name -> dtype, shape, data_offsets; optional "__metadata__" of strings), then the raw bytes.
/// Used for PEFT adapters and trainer checkpoints, whose tensor names are not module paths (so the module-level
/// helpers of TorchSharp.PyBridge do not fit). F32, BF16, F16 and I64 are supported; reading is
/// <see cref="SafetensorsReader"/>'s (torch-free), this class makes tensors of what it read.
/// </summary>
public static class SafetensorsFile
{
    /// <summary>Writes <paramref name="tensors"/> (any device; copied to CPU) to <paramref name="path"/>, names sorted.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata) meta[k] = v;
            header["__metadata__"] = meta;
        }
        var names = tensors.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var name in names)
        {
            using var cpu = tensors[name].detach().cpu().contiguous();
            var bytes = cpu.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = DtypeName(cpu.dtype),
                ["shape"] = new JsonArray(cpu.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            offset += bytes.Length;
            blobs.Add(bytes);
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8; // the format pads the header with spaces to 8-byte alignment
        using var stream = File.Create(path);
        stream.Write(BitConverter.GetBytes((ulong)padded));
        stream.Write(json);
        for (var i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
        foreach (var blob in blobs) stream.Write(blob);
    }

    /// <summary>Reads every tensor of a safetensors file onto the CPU, in the file's dtypes.</summary>
    public static Dictionary<string, Tensor> Read(string path) =>
        SafetensorsReader.Read(path).ToDictionary(kv => kv.Key, kv => ToTensor(kv.Value));

    /// <summary>The "__metadata__" strings of a safetensors file (empty when it has none).</summary>
    public static Dictionary<string, string> ReadMetadata(string path) => SafetensorsReader.ReadMetadata(path);

    /// <summary>A CPU tensor holding a copy of <paramref name="stored"/>'s bytes, in its dtype.</summary>
    public static Tensor ToTensor(SafetensorsTensor stored)
    {
        var tensor = empty(stored.Shape, ParseDtype(stored.Dtype));
        tensor.bytes = stored.Data;
        return tensor;
    }

    static string DtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float16 => "F16",
        ScalarType.Int64 => "I64",
        _ => throw new NotSupportedException($"safetensors writer: dtype {dtype} is not supported"),
    };

    static ScalarType ParseDtype(string name) => name switch
    {
        "F32" => ScalarType.Float32,
        "BF16" => ScalarType.BFloat16,
        "F16" => ScalarType.Float16,
        "I64" => ScalarType.Int64,
        _ => throw new NotSupportedException($"safetensors dtype {name} is not supported"),
    };
}
