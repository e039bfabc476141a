namespace LlamaDuo.Models.Model;

/// <summary>
/// Llama 3 style RoPE frequency scaling (config.json "rope_scaling" with rope_type "llama3"): long wavelengths are
/// divided by <see cref="Factor"/>, short ones kept, and the band between is interpolated smoothly.
/// </summary>
public sealed record RopeScaling(
    double Factor,
    double LowFreqFactor,
    double HighFreqFactor,
    int OriginalMaxPositionEmbeddings)
{
    /// <summary>The rope_type string as it appears in config.json.</summary>
    public string RopeType => "llama3";
}
