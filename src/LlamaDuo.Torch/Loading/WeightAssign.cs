using LlamaDuo.Core.Errors;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Loading;

/// <summary>Copies checkpoint tensors into a module's parameters by name, checking shapes (dtype converts on copy).</summary>
internal static class WeightAssign
{
    public static void Copy(IDictionary<string, TorchSharp.Modules.Parameter> parameters, string name, Tensor source, string file)
    {
        if (!parameters.TryGetValue(name, out var target))
            throw new InputException($"tensor '{name}' has no place in the model built from the config", file);
        if (!target.shape.SequenceEqual(source.shape))
            throw new InputException($"tensor '{name}' has shape [{string.Join(", ", source.shape)}] but the config implies " +
                $"[{string.Join(", ", target.shape)}]", file);
        using var _ = no_grad();
        target.copy_(source);
    }
}
