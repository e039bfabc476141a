using LlamaDuo.Torch.Lora;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests.Lora;

public class DropoutMaskTests
{
    [Theory]
    [InlineData(0.05)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void Keeps_each_element_with_the_stated_probability(double p)
    {
        using var generator = new Generator(7);
        using var keep = DropoutMask.Keep([1001, 999], p, generator);   // an odd count: the tail past the last whole word too
        Assert.Equal(ScalarType.Bool, keep.dtype);
        Assert.Equal(new long[] { 1001, 999 }, keep.shape);
        var kept = keep.sum().item<long>() / (double)keep.numel();
        Assert.Equal(1 - p, DropoutMask.KeepProbability(p), 4);
        // 1M Bernoulli draws: the standard error is at most 0.0005, so 0.003 is six of them.
        Assert.InRange(kept, DropoutMask.KeepProbability(p) - 0.003, DropoutMask.KeepProbability(p) + 0.003);
        // Every row and every column position gets drops (no lane of the 4-per-word packing is stuck).
        using var perLane = keep.view(-1)[..(int)(keep.numel() / 4 * 4)].view(-1, 4).@float().mean([0]);
        Assert.All(perLane.data<float>().ToArray(), f => Assert.InRange(f, 1 - p - 0.006, 1 - p + 0.006));
    }

    [Fact]
    public void Drawing_a_mask_leaves_no_tensor_behind_but_the_mask()
    {
        // A handle left to the GC keeps the mask's memory until finalisation (the trainer's step scope would catch it,
        // other callers would not). Every tensor Keep creates must be disposed or returned.
        using var generator = new Generator(5);
        using (DropoutMask.Keep([64, 64], 0.1, generator)) { }   // first use: any one-time state
        var before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 20; i++)
            using (DropoutMask.Keep([64, 64], 0.1, generator)) { }
        Assert.Equal(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void The_generator_decides_the_mask()
    {
        using var g1 = new Generator(3);
        using var g2 = new Generator(3);
        using var a = DropoutMask.Keep([64, 300], 0.1, g1);
        using var b = DropoutMask.Keep([64, 300], 0.1, g2);
        using var c = DropoutMask.Keep([64, 300], 0.1, g1);   // the next draw of g1
        Assert.True(a.eq(b).all().item<bool>(), "the same generator state must give the same mask (checkpointing recomputes layers)");
        Assert.False(a.eq(c).all().item<bool>(), "successive masks must differ");
        Assert.True(a.logical_xor(c).@float().mean().item<float>() is > 0.1f and < 0.25f, "successive masks look independent: about 2p(1-p) of their elements differ");
    }

    [Fact]
    public void Dropout_zeroes_the_update_where_dropped_and_keeps_it_unbiased()
    {
        // y = W x + s B A (x * keep) / q: the expected update over masks is the undropped one.
        using var linear = nn.Linear(64, 32, hasBias: false);
        var lora = new LoraLinear(linear, rank: 4, alpha: 8, dropout: 0.25) { DropoutGenerator = new Generator(11) };
        TinyModels.Perturb([lora.B], seed: 2);
        using var x = randn(1, 64);
        using var inputs = x.expand(20000, 64).contiguous();
        lora.train();
        using var y = lora.forward(inputs);
        lora.eval();
        using var full = lora.forward(x);
        using var baseOut = linear.forward(x);
        using var update = full - baseOut;
        using var meanUpdate = (y - baseOut).mean([0], keepdim: true);
        Assert.True(meanUpdate.allclose(update, rtol: 0.05, atol: 0.02 * update.abs().max().item<float>()),
            $"mean dropped update {meanUpdate.abs().sum().item<float>()} vs {update.abs().sum().item<float>()}");
        // Rows differ: masks are drawn per element.
        Assert.False(y[0].allclose(y[1]));
    }
}
