using LlamaDuo.Torch.Lora;
using LlamaDuo.Torch.Model;
using LlamaDuo.Torch.Tests.Lora;
using LlamaDuo.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests.Training;

/// <summary>
/// The memory-saving step (chunked loss, per-layer checkpointing, SDPA) computes what the plain autograd pass does:
/// the same loss and the same gradients, LoRA dropout included.
/// </summary>
public class SftBackwardTests
{
    static readonly LoraSettings AllLinear = new() { Rank = 4, Alpha = 8, Dropout = 0.1, Targets = LoraSettings.AllTargets };

    /// <summary>Rows of different lengths, targets on their second half (right-padded by Collate).</summary>
    static SftBatch Batch(int seed = 5)
    {
        var random = new Random(seed);
        var rows = new[] { 12, 7, 10 }.Select((n, r) =>
        {
            var ids = Enumerable.Range(0, n).Select(_ => random.Next(3, 61)).ToArray();
            return new EncodedExample($"r{r}", ids, ids.Select((_, t) => t >= n / 2).ToArray());
        }).ToList();
        return SftBatch.Collate(rows, padId: 2, CPU);
    }

    /// <summary>The pre-change pass: the whole graph, logits [N, V] at once, one backward.</summary>
    static double Reference(LlamaForCausalLM model, SftBatch batch, double scale)
    {
        using var scope = NewDisposeScope();
        using var hidden = model.Hidden(batch.InputIds);
        using var picked = hidden.view(-1, hidden.shape[2]).index_select(0, batch.Positions);
        using var logits = model.Head(picked);
        using var loss = nn.functional.cross_entropy(logits, batch.Targets, reduction: nn.Reduction.Sum);
        using var scaled = loss * scale;
        scaled.backward();
        return loss.item<float>();
    }

    static Dictionary<string, Tensor> Grads(LlamaForCausalLM model)
    {
        var grads = model.named_parameters().Where(p => p.parameter.requires_grad)
            .ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone());
        foreach (var p in model.parameters()) p.grad = null;
        return grads;
    }

    static void AssertSameGrads(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, e) in expected)
            Assert.True(e.allclose(actual[name], rtol: 1e-4, atol: 1e-6), $"{name}: max diff {(e - actual[name]).abs().max().item<float>()}");
    }

    static LlamaForCausalLM Lora(Generator dropout, bool tied = false)
    {
        var model = TinyModels.Create(tied: tied);
        var adapters = LoraModel.Attach(model, AllLinear, init: new Generator(11));
        TinyModels.Perturb(adapters.Values.Select(a => a.B), 12); // B = 0 would leave A without a gradient
        foreach (var a in adapters.Values) a.DropoutGenerator = dropout;
        model.train();
        return model;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Lora_step_matches_the_plain_pass_with_and_without_checkpointing(bool checkpointing)
    {
        var dropout = new Generator(21);
        using var model = Lora(dropout);
        using var batch = Batch();
        dropout.manual_seed(99);
        var expected = Reference(model, batch, 0.25);
        var expectedGrads = Grads(model);
        dropout.manual_seed(99);
        var actual = SftBackward.Run(model, batch, 0.25, checkpointing, dropout);
        Assert.Equal(expected, actual, 4);
        AssertSameGrads(expectedGrads, Grads(model));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void On_a_bf16_base_the_layers_compute_in_bf16_and_loss_and_adapter_gradients_stay_near_the_fp32_base_s(bool checkpointing)
    {
        using var batch = Batch();
        (double Loss, Dictionary<string, Tensor> Grads, ScalarType Activations, ScalarType? LossHead) Step(ScalarType baseDtype)
        {
            using var model = TinyModels.Create();
            var adapters = LoraModel.Attach(model, AllLinear with { Dropout = 0 }, baseDtype, init: new Generator(11));
            TinyModels.Perturb(adapters.Values.Select(a => a.B), 12);
            model.train();
            using var head = SftBackward.LossHead(model); // as the trainer does: a bf16 copy of the frozen fp32 head on a bf16 base
            var loss = SftBackward.Run(model, batch, 0.25, checkpointing, lossHead: head);
            return (loss, Grads(model), SftBackward.ActivationDtype(model), head?.dtype);
        }
        var fp32 = Step(ScalarType.Float32);
        var bf16 = Step(ScalarType.BFloat16);

        Assert.Equal((ScalarType.Float32, (ScalarType?)null), (fp32.Activations, fp32.LossHead));
        Assert.Equal((ScalarType.BFloat16, (ScalarType?)ScalarType.BFloat16), (bf16.Activations, bf16.LossHead));
        Assert.True(Math.Abs(bf16.Loss - fp32.Loss) < 0.01 * fp32.Loss, $"loss {bf16.Loss} on bf16 vs {fp32.Loss} on fp32");
        Assert.Equal(fp32.Grads.Keys.Order(), bf16.Grads.Keys.Order());
        foreach (var (name, expected) in fp32.Grads)
        {
            var actual = bf16.Grads[name];
            Assert.Equal(ScalarType.Float32, actual.dtype); // the adapters and their gradients stay fp32
            var relative = (actual - expected).norm().item<float>() / expected.norm().item<float>();
            Assert.True(relative < 0.05, $"{name}: gradient differs by {relative:P1} of its norm on the bf16 base");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Full_fine_tuning_of_a_tied_model_matches_the_plain_pass(bool checkpointing)
    {
        using var model = TinyModels.Create(tied: true);
        foreach (var p in model.parameters()) p.requires_grad = true;
        model.train();
        using var batch = Batch(8);
        var expected = Reference(model, batch, 1.0 / 3);
        var expectedGrads = Grads(model);
        var actual = SftBackward.Run(model, batch, 1.0 / 3, checkpointing);
        Assert.Equal(expected, actual, 4);
        AssertSameGrads(expectedGrads, Grads(model)); // the embedding gets both the head's and the input's gradient
    }

    [Fact]
    public void Chunked_loss_equals_the_whole_loss_in_value_and_gradients()
    {
        using var model = TinyModels.Create(tied: true);
        foreach (var p in model.parameters()) p.requires_grad = false;
        model.named_parameters().Single(p => p.name == "model.embed_tokens.weight").parameter.requires_grad = true;
        var gen = new Generator(4);
        using var hiddenSource = randn(11, 32, generator: gen);
        using var targets = randint(0, 61, [11], generator: gen, dtype: ScalarType.Int64);

        using var hidden = hiddenSource.detach().requires_grad_(true);
        using var whole = nn.functional.cross_entropy(model.Head(hidden), targets, reduction: nn.Reduction.Sum);
        using var wholeScaled = whole * 0.5;
        wholeScaled.backward();
        var expectedHead = Grads(model);

        // 4 chunks of 3 rows: the last reaches back over row 8, which the third chunk scored, and ignores it.
        Assert.Equal([(0L, 3L, 3L), (3L, 3L, 3L), (6L, 3L, 3L), (8L, 3L, 2L)], ChunkedLoss.Chunks(11, 3));
        var (sum, grad) = ChunkedLoss.Backward(model, hiddenSource, targets, 0.5, chunkRows: 3);
        Assert.Equal(whole.item<float>(), sum, 3);
        Assert.True(hidden.grad!.allclose(grad, rtol: 1e-5, atol: 1e-7));
        AssertSameGrads(expectedHead, Grads(model));
        Assert.Equal(whole.item<float>(), ChunkedLoss.Sum(model, hiddenSource, targets, chunkRows: 4), 3);
    }

    [Fact]
    public void Fused_attention_with_a_mask_equals_explicit_softmax_attention()
    {
        // The packed path hands SDPA a block-diagonal boolean mask; it must equal softmax(q k^T / sqrt(d) + mask) v.
        var gen = new Generator(6);
        using var q = randn(2, 3, 8, 4, generator: gen);
        using var k = randn(2, 3, 8, 4, generator: gen);
        using var v = randn(2, 3, 8, 4, generator: gen);
        using var segment = tensor(new long[] { 0, 0, 0, 1, 1, 1, 1, 2 });
        using var causal = ones(8, 8, dtype: ScalarType.Bool).tril();
        using var same = segment.view(8, 1).eq(segment.view(1, 8));
        using var mask = causal.logical_and(same).expand(2, 1, 8, 8);
        using var fused = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask);
        using var scores = q.matmul(k.transpose(-2, -1)) / 2.0;
        using var masked = scores.masked_fill(mask.logical_not(), double.NegativeInfinity);
        using var explicitOut = masked.softmax(-1).matmul(v);
        Assert.True(fused.allclose(explicitOut, rtol: 1e-5, atol: 1e-6));
    }
}
