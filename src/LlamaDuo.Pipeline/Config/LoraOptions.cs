namespace LlamaDuo.Pipeline.Config;

/// <summary>The <c>student.lora</c> section: y = W0 x + (alpha / rank) B A x on each target projection.</summary>
public sealed record LoraOptions
{
    /// <summary>Adapter rank r (paper: 8 to 32).</summary>
    public int Rank { get; init; } = 8;

    /// <summary>Scale numerator; null means 2 x rank, as in the paper.</summary>
    public double? Alpha { get; init; }

    /// <summary>Dropout on the adapter input (paper: 0.05).</summary>
    public double Dropout { get; init; } = 0.05;

    /// <summary>Projection names that get adapters (Hugging Face names).</summary>
    public IReadOnlyList<string> Targets { get; init; } = ["q_proj", "k_proj", "v_proj", "o_proj"];

    /// <summary>The alpha actually used: the configured one, else 2 x rank.</summary>
    public double EffectiveAlpha => Alpha ?? 2.0 * Rank;
}
