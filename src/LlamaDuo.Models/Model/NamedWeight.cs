namespace LlamaDuo.Models.Model;

/// <summary>
/// One weight of a model under its Hugging Face name (e.g. "model.layers.0.self_attn.q_proj.weight"), with its
/// PyTorch shape and a function that yields its values as fp32, row-major.
/// </summary>
public sealed record NamedWeight(string Name, long[] Shape, Func<float[]> Read);
