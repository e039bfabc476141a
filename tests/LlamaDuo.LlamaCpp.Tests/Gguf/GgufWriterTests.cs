using System.Buffers.Binary;
using LlamaDuo.LlamaCpp.Gguf;

namespace LlamaDuo.LlamaCpp.Tests.Gguf;

public sealed class GgufWriterTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llamaduo-gguf-unit-").FullName;

    [Fact]
    public void Writes_a_v3_header_metadata_and_aligned_tensors_that_read_back()
    {
        var path = Path.Combine(_dir, "a.gguf");
        var metadata = new GgufMetadata().String("general.architecture", "llama").UInt32("llama.block_count", 2)
            .Float32("llama.rope.freq_base", 500000f).Bool("tokenizer.ggml.add_bos_token", true)
            .Strings("tokenizer.ggml.tokens", ["a", "▁b", "<0x0A>"]).Int32s("tokenizer.ggml.token_type", [1, 1, 6]);
        float[] vector = [1, 2, 3];                                   // 12 bytes: the next tensor must start at 32
        var matrix = Enumerable.Range(0, 64).Select(i => i / 8f - 4).ToArray();
        GgufWriter.WriteFile(path, metadata,
        [
            new GgufTensor("v.weight", [3], GgufTensorType.F32, () => vector),
            new GgufTensor("m.weight", [2, 32], GgufTensorType.F16, () => matrix),
        ]);

        var file = GgufReader.Read(path);
        Assert.Equal(3u, file.Version);
        Assert.Equal("llama", file.Metadata["general.architecture"]);
        Assert.Equal(2u, file.Metadata["llama.block_count"]);
        Assert.Equal(500000f, file.Metadata["llama.rope.freq_base"]);
        Assert.Equal(true, file.Metadata["tokenizer.ggml.add_bos_token"]);
        Assert.Equal(new object[] { "a", "▁b", "<0x0A>" }, (object[])file.Metadata["tokenizer.ggml.tokens"]);
        var m = file.Tensors.Single(t => t.Name == "m.weight");
        Assert.Equal(new ulong[] { 32, 2 }, m.Dimensions);            // ggml order: innermost first
        Assert.Equal(0, m.FileOffset % 32);
        Assert.Equal(32, m.FileOffset - file.Tensors[0].FileOffset);
        var bytes = file.ReadTensorBytes(path, m);
        Assert.Equal(matrix, Enumerable.Range(0, 64).Select(i => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(2 * i))));
        Assert.Equal(0, new FileInfo(path).Length % 32);
        Assert.Single(Directory.GetFiles(_dir));                      // the temporary file was renamed away
    }

    [Fact]
    public void A_failed_write_leaves_neither_a_partial_file_nor_a_temporary_one()
    {
        var path = Path.Combine(_dir, "b.gguf");
        Assert.ThrowsAny<Exception>(() => GgufWriter.WriteFile(path, new GgufMetadata(),
            [new GgufTensor("x.weight", [4], GgufTensorType.F32, () => throw new IOException("source vanished"))]));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Q8_0_blocks_hold_an_fp16_scale_and_rounded_int8_values()
    {
        var values = Enumerable.Range(0, 64).Select(i => MathF.Sin(i) * (i < 32 ? 1f : 0.01f)).ToArray();
        var bytes = GgufEncoding.Encode(GgufTensorType.Q8_0, values);
        Assert.Equal(2 * 34, bytes.Length);
        var back = GgufEncoding.DecodeQ8(bytes);
        for (int i = 0; i < 64; i++)
        {
            float blockMax = values.Skip(i / 32 * 32).Take(32).Max(MathF.Abs);
            Assert.True(MathF.Abs(back[i] - values[i]) <= blockMax / 127 * 0.51f + 1e-3f * blockMax, $"value {i}");
        }
        Assert.Equal(127, values.Take(32).Select(v => (sbyte)bytes[2 + Array.IndexOf(values, v)]).Max(q => Math.Abs((int)q)));
    }

    [Fact]
    public void BF16_rounds_to_nearest_even()
    {
        Assert.Equal(0x3F80, GgufEncoding.ToBFloat16(1f));
        Assert.Equal(0x3F80, GgufEncoding.ToBFloat16(BitConverter.UInt32BitsToSingle(0x3F808000))); // tie, even stays
        Assert.Equal(0x3F82, GgufEncoding.ToBFloat16(BitConverter.UInt32BitsToSingle(0x3F818000))); // tie, odd rounds up
        Assert.Equal(0x3F81, GgufEncoding.ToBFloat16(BitConverter.UInt32BitsToSingle(0x3F808001)));
        Assert.True(float.IsNaN(GgufEncoding.FromBFloat16(GgufEncoding.ToBFloat16(float.NaN))));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
