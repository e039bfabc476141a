using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests.Model;

[Collection(Stories15MCollection.Name)]
public class Stories15MGoldenTests(Stories15MFixture fixture)
{
    private const string Golden = ", there was a little girl named Lily. She loved to play outside in the sunshine.";

    [Fact]
    public void Greedy_with_cache_gives_the_known_continuation()
    {
        var m = fixture.Model;
        var prompt = m.Tokenizer.Encode("Once upon a time", addBos: true);
        var generated = new List<int>();
        using var _ = no_grad();
        using var cache = m.Module.NewCache(1, 256);
        var next = prompt.Select(i => (long)i).ToArray();
        for (var step = 0; step < 40; step++)
        {
            using var scope = NewDisposeScope();
            var logits = m.Module.Forward(tensor(next).view(1, -1), cache: cache); // [1, T, V]
            var id = (int)logits[0, -1].argmax().item<long>();
            generated.Add(id);
            next = [id];
        }
        var text = m.Tokenizer.Decode(generated);
        Assert.StartsWith(Golden, text);
    }

    [Fact]
    public void Cached_decoding_matches_full_recompute()
    {
        var m = fixture.Model;
        var ids = m.Tokenizer.Encode("Once upon a time, there was a dog", addBos: true).Select(i => (long)i).ToArray();
        using var _ = no_grad();
        using var full = m.Module.Forward(tensor(ids).view(1, -1));                  // [1, T, V]
        using var cache = m.Module.NewCache(1, 64);
        var split = 4;
        using var first = m.Module.Forward(tensor(ids[..split]).view(1, -1), cache: cache);
        var parts = new List<Tensor> { first };
        parts.AddRange(ids[split..].Select(id => m.Module.Forward(tensor(new[] { id }).view(1, 1), cache: cache)));
        using var rest = cat(parts, 1);                                                  // [1, T, V]
        Assert.Equal(full.shape, rest.shape);
        var maxDiff = (full - rest).abs().max().item<float>();
        Assert.True(maxDiff < 1e-3, $"cached logits differ from full recompute by {maxDiff}");
        Assert.True(full.argmax(-1).eq(rest.argmax(-1)).all().item<bool>());
    }

}
