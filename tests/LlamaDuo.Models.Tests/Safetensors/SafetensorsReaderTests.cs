using System.Buffers.Binary;
using System.Text;
using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Lora;
using LlamaDuo.Models.Safetensors;

namespace LlamaDuo.Models.Tests.Safetensors;

/// <summary>The torch-free safetensors reader that GGUF export uses for PEFT adapters: bytes written by hand, values checked exactly.</summary>
public sealed class SafetensorsReaderTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("llamaduo-safetensors-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void F32_F16_and_BF16_tensors_read_back_as_the_same_floats_with_metadata()
    {
        float[] values = [1.5f, -2f, 0.25f, 65504f];   // exact in fp16 and bf16 except 65504 in bf16 (65536)
        var f16 = new byte[8];
        var bf16 = new byte[8];
        for (int i = 0; i < 4; i++)
        {
            BinaryPrimitives.WriteHalfLittleEndian(f16.AsSpan(i * 2), (Half)values[i]);
            BinaryPrimitives.WriteUInt16LittleEndian(bf16.AsSpan(i * 2), (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16));
        }
        var path = Write(("a", "F32", [2, 2], values.SelectMany(BitConverter.GetBytes).ToArray()), ("b", "F16", [4], f16), ("c", "BF16", [1, 4], bf16));

        var read = SafetensorsReader.Read(path);

        Assert.Equal(values, read["a"].ToFloats());
        Assert.Equal([2L, 2L], read["a"].Shape);
        Assert.Equal(values, read["b"].ToFloats());
        Assert.Equal([1.5f, -2f, 0.25f, 65280f], read["c"].ToFloats());   // bf16 keeps 8 mantissa bits: 65504 truncates to 65280
        Assert.Equal("pt", SafetensorsReader.ReadMetadata(path)["format"]);
    }

    [Fact]
    public void A_tensor_whose_bytes_do_not_match_its_shape_is_an_input_error_naming_it()
    {
        var path = Write(("w", "F32", [3], new byte[8]));

        var e = Assert.Throws<InputException>(() => SafetensorsReader.Read(path));
        Assert.Equal("w", e.Field);
        Assert.Contains("does not match its shape", e.Message);
    }

    [Fact]
    public void A_peft_folder_with_a_lora_A_and_no_lora_B_is_refused_naming_the_tensor()
    {
        var adapter = Path.Combine(dir, "adapter");
        Directory.CreateDirectory(adapter);
        File.WriteAllText(Path.Combine(adapter, PeftAdapterFolder.ConfigFile), new PeftAdapterConfig { R = 1, LoraAlpha = 2, TargetModules = ["q_proj"] }.ToJson());
        var key = PeftAdapterFolder.KeyA("model.layers.0.self_attn.q_proj");
        File.Move(Write((key, "F32", [1, 2], new byte[8])), Path.Combine(adapter, PeftAdapterFolder.WeightsFile));

        var e = Assert.Throws<InputException>(() => PeftAdapterFolder.Read(adapter));
        Assert.Equal(key, e.Field);
        Assert.Contains("no matching lora_B", e.Message);
    }

    string Write(params (string Name, string Dtype, long[] Shape, byte[] Data)[] tensors)
    {
        var header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        foreach (var t in tensors)
        {
            header.Append($",\"{t.Name}\":{{\"dtype\":\"{t.Dtype}\",\"shape\":[{string.Join(",", t.Shape)}],\"data_offsets\":[{offset},{offset + t.Data.Length}]}}");
            offset += t.Data.Length;
        }
        var json = Encoding.UTF8.GetBytes(header.Append('}').ToString());
        var path = Path.Combine(dir, $"{Guid.NewGuid():N}.safetensors");
        using var file = File.Create(path);
        file.Write(BitConverter.GetBytes((ulong)json.Length));
        file.Write(json);
        foreach (var t in tensors) file.Write(t.Data);
        return path;
    }
}
