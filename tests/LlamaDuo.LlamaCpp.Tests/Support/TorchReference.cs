using LlamaDuo.Torch.Loading;
using static TorchSharp.torch;

namespace LlamaDuo.LlamaCpp.Tests.Support;

/// <summary>Our TorchSharp model run the plain way (whole sequence, no cache) for parity checks.</summary>
static class TorchReference
{
    /// <summary>Logits [position][vocab] for one sequence.</summary>
    public static float[][] Logits(StudentModel model, IReadOnlyList<int> tokens)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ids = tensor(tokens.Select(t => (long)t).ToArray()).unsqueeze(0);      // [1, T]
        var logits = model.Module.Forward(ids)[0].to(ScalarType.Float32);           // [T, V]
        int vocab = (int)logits.shape[1];
        var flat = logits.contiguous().data<float>().ToArray();
        return Enumerable.Range(0, tokens.Count).Select(t => flat.AsSpan(t * vocab, vocab).ToArray()).ToArray();
    }
}
