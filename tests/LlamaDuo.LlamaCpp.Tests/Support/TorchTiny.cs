using LlamaDuo.Torch.Model;
using static TorchSharp.torch;

namespace LlamaDuo.LlamaCpp.Tests.Support;

/// <summary>Our TorchSharp model holding a <see cref="TinyLlama"/>'s weights (loaded by Hugging Face name).</summary>
static class TorchTiny
{
    public static LlamaForCausalLM Build(TinyLlama tiny)
    {
        var module = new LlamaForCausalLM(tiny.Config);
        using var _ = no_grad();
        var parameters = module.named_parameters().ToList();
        Assert.Equal(tiny.Weights.Keys.OrderBy(k => k), parameters.Select(p => p.name).OrderBy(k => k));
        foreach (var (name, p) in parameters)
        {
            var (shape, values) = tiny.Weights[name];
            using var source = tensor(values).reshape(shape);
            p.copy_(source);
        }
        return module;
    }

    public static float[][] Logits(LlamaForCausalLM module, IReadOnlyList<int> tokens)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var logits = module.Forward(tensor(tokens.Select(t => (long)t).ToArray()).unsqueeze(0))[0]; // [T, V]
        int vocab = (int)logits.shape[1];
        var flat = logits.contiguous().data<float>().ToArray();
        return Enumerable.Range(0, tokens.Count).Select(t => flat.AsSpan(t * vocab, vocab).ToArray()).ToArray();
    }

    /// <summary>Greedy continuation, recomputing the whole sequence each step (tiny models only).</summary>
    public static List<int> Greedy(LlamaForCausalLM module, IReadOnlyList<int> prompt, int count)
    {
        var tokens = prompt.ToList();
        for (int i = 0; i < count; i++) tokens.Add(LogitComparison.ArgMax(Logits(module, tokens))[^1]);
        return tokens.Skip(prompt.Count).ToList();
    }
}
