using LlamaDuo.Torch.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Tests.Model;

public class PaddedBatchTests
{
    [Theory]
    [InlineData("gqa")]
    [InlineData("qwen2-bias-theta")]
    public void Left_padded_batch_with_cache_matches_each_prompt_alone(string name)
    {
        using var _ = no_grad();
        using var model = new LlamaForCausalLM(TinyConfigs.Get(name));
        model.InitRandom(11);
        long[] a = [1, 7, 9, 12, 40, 3], b = [1, 50, 8];
        const long pad = 0;

        // Batch: b is left-padded to a's length; positions count real tokens only.
        using var ids = tensor(a.Concat([pad, pad, pad]).Concat(b).ToArray()).view(2, 6);          // row 1: [pad x3, b]
        using var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1 }).view(2, 6);
        using var positions = (mask.cumsum(1) - 1).clamp_min(0);                                  // [2, 6]
        using var cache = model.NewCache(2, 16);
        using var batchLogits = model.Forward(ids, positions, mask, cache);                       // [2, 6, V]
        // One decode step for both rows with the cache, continuing each with token 21.
        using var stepMask = cat([mask, ones(2, 1, dtype: ScalarType.Int64)], 1);                 // [2, 7]
        using var stepPos = tensor(new long[] { 6, 3 }).view(2, 1);
        using var stepLogits = model.Forward(tensor(new long[] { 21, 21 }).view(2, 1), stepPos, stepMask, cache); // [2, 1, V]

        foreach (var (row, prompt) in new[] { (0, a), (1, b) })
        {
            using var alone = model.forward(tensor(prompt.Append(21).ToArray()).view(1, -1));    // [1, n+1, V]
            using var lastPrompt = alone[0, prompt.Length - 1];
            using var batchLast = batchLogits[row, -1];
            Assert.True((lastPrompt - batchLast).abs().max().item<float>() < 1e-4f, $"row {row}: prefill logits differ");
            using var aloneStep = alone[0, -1];
            using var batchStep = stepLogits[row, 0];
            Assert.True((aloneStep - batchStep).abs().max().item<float>() < 1e-4f, $"row {row}: decode-step logits differ");
        }
    }
}
