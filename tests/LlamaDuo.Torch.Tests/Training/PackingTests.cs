using LlamaDuo.Torch.Lora;
using LlamaDuo.Torch.Model;
using LlamaDuo.Torch.Tests.Lora;
using LlamaDuo.Torch.Training;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests.Training;

/// <summary>Packed rows (several examples per row, restarted positions, block-diagonal mask) give the unpacked loss and gradients.</summary>
public class PackingTests
{
    static List<EncodedExample> Examples(int seed, params int[] lengths)
    {
        var random = new Random(seed);
        return lengths.Select((n, r) =>
        {
            var ids = Enumerable.Range(0, n).Select(_ => random.Next(3, 61)).ToArray();
            return new EncodedExample($"e{r}", ids, ids.Select((_, t) => t >= Math.Max(1, n / 3)).ToArray()); // position 0 is never a target
        }).ToList();
    }

    static (double Loss, Dictionary<string, Tensor> Grads) Run(LlamaForCausalLM model, SftBatch batch, bool checkpointing)
    {
        var loss = SftBackward.Run(model, batch, 1.0, checkpointing);
        var grads = model.named_parameters().Where(p => p.parameter.requires_grad)
            .ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone());
        foreach (var p in model.parameters()) p.grad = null;
        return (loss, grads);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Packed_loss_and_gradients_equal_the_unpacked_ones(bool checkpointing)
    {
        using var model = TinyModels.Create();
        var adapters = LoraModel.Attach(model, new LoraSettings { Rank = 4, Alpha = 8, Dropout = 0, Targets = LoraSettings.AllTargets }, init: new TorchSharp.torch.Generator(3));
        TinyModels.Perturb(adapters.Values.Select(a => a.B), 4);
        model.train();
        var examples = Examples(9, 9, 5, 12, 4, 7);
        using var unpacked = SftBatch.Collate(examples, padId: 2, CPU);
        var packedRows = SequencePacker.Pack(examples, capacity: 20);
        Assert.True(packedRows.Count < examples.Count);
        using var packed = SftBatch.Collate(packedRows, padId: 2, CPU);
        Assert.Equal(unpacked.TargetCount, packed.TargetCount);
        Assert.Equal(unpacked.Tokens, packed.Tokens);

        var (expected, expectedGrads) = Run(model, unpacked, checkpointing);
        var (actual, actualGrads) = Run(model, packed, checkpointing);
        Assert.Equal(expected, actual, 3);
        foreach (var (name, g) in expectedGrads)
            Assert.True(g.allclose(actualGrads[name], rtol: 1e-4, atol: 1e-6), $"{name}: max diff {(g - actualGrads[name]).abs().max().item<float>()}");
        Assert.Equal(SftLoss.Sum(model, unpacked), SftLoss.Sum(model, packed), 3);
    }

    [Fact]
    public void Every_example_lands_in_exactly_one_row_within_capacity()
    {
        var examples = Examples(1, 30, 3, 17, 8, 8, 25, 2, 40, 11, 6);
        var rows = SequencePacker.Pack(examples, capacity: 40);
        Assert.All(rows, r => Assert.InRange(r.Length, 1, 40));
        Assert.Equal(examples.Select(e => e.Id).Order(), rows.SelectMany(r => r.Id.Split('+')).Order());
        Assert.Equal(examples.Sum(e => e.TargetCount), rows.Sum(r => r.TargetCount));
        Assert.Equal(rows.Count, SequencePacker.Pack(examples, capacity: 40).Count); // deterministic
        Assert.Equal(Math.Ceiling(examples.Sum(e => e.Length) / 40.0), rows.Count);   // these lengths pack perfectly tight
    }
}
