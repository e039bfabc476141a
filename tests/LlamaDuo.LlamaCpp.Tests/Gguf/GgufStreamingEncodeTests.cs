using LlamaDuo.LlamaCpp.Gguf;

namespace LlamaDuo.LlamaCpp.Tests.Gguf;

/// <summary>
/// The writer encodes each tensor straight into the file a chunk at a time (no byte copy of a whole tensor held): the
/// bytes must be those of the one-shot encoder, across chunk boundaries, for every type our writer stores.
/// </summary>
public class GgufStreamingEncodeTests
{
    [Theory]
    [InlineData(GgufTensorType.F32)]
    [InlineData(GgufTensorType.F16)]
    [InlineData(GgufTensorType.BF16)]
    [InlineData(GgufTensorType.Q8_0)]
    public void Streamed_encoding_writes_the_bytes_of_the_one_shot_encoder(GgufTensorType type)
    {
        var random = new Random(3);
        var values = new float[(1 << 18) * 2 + 32 * 5]; // two whole chunks and a partial one
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 8 - 4);
        using var stream = new MemoryStream();
        GgufEncoding.EncodeTo(type, values, stream);
        Assert.Equal(GgufEncoding.Encode(type, values), stream.ToArray());
    }

    [Fact]
    public void Q8_0_of_a_length_that_is_not_whole_blocks_is_refused_before_anything_is_written()
    {
        using var stream = new MemoryStream();
        Assert.Throws<ArgumentException>(() => GgufEncoding.EncodeTo(GgufTensorType.Q8_0, new float[33], stream));
        Assert.Equal(0, stream.Length);
    }
}
