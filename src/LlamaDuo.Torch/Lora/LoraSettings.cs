using LlamaDuo.Models.Lora;

namespace LlamaDuo.Torch.Lora;

/// <summary>
/// Shape of a LoRA adapter, and the config's <c>student.lora</c> section: which projections get one, the rank r, the
/// scale numerator alpha (the update is scaled by alpha / r) and the dropout applied to the adapter's input during
/// training. Defaults follow the LlamaDuo paper (r 8, alpha 2r, dropout 0.05) on the attention projections.
/// </summary>
public sealed record LoraSettings
{
    /// <summary>Every projection name a Llama block has, in the order the PEFT configs list them.</summary>
    public static readonly IReadOnlyList<string> AllTargets = PeftAdapterConfig.LlamaProjections;

    /// <summary>Defaults as constants, so the `train` command's flags show the same values.</summary>
    public static class Defaults
    {
        public const int Rank = 8;
        public const double Dropout = 0.05;
    }

    /// <summary>Adapter rank r (paper: 8 to 32).</summary>
    public int Rank { get; init; } = Defaults.Rank;

    /// <summary>Scale numerator; null means 2 x rank, as in the paper.</summary>
    public double? Alpha { get; init; }

    /// <summary>Dropout on the adapter input (paper: 0.05).</summary>
    public double Dropout { get; init; } = Defaults.Dropout;

    /// <summary>Projection names (the last part of the module name), e.g. "q_proj"; short forms "q".."down" are accepted by <see cref="ParseTargets"/>.</summary>
    public IReadOnlyList<string> Targets { get; init; } = ["q_proj", "k_proj", "v_proj", "o_proj"];

    /// <summary>The alpha actually used: the configured one, else 2 x rank.</summary>
    public double EffectiveAlpha => Alpha ?? 2.0 * Rank;

    /// <summary>alpha / r: the factor on B A x.</summary>
    public double Scale => EffectiveAlpha / Rank;

    /// <summary>Parses "q,k,v,o" or "q_proj,v_proj" or "all" into full projection names; unknown names are an <see cref="Core.Errors.InputException"/>.</summary>
    public static IReadOnlyList<string> ParseTargets(string text, string field = "targets")
    {
        if (text.Trim() == "all") return AllTargets;
        var names = new List<string>();
        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = raw.EndsWith("_proj", StringComparison.Ordinal) ? raw : raw + "_proj";
            if (!AllTargets.Contains(name))
                throw new Core.Errors.InputException($"unknown LoRA target; use some of {string.Join(",", AllTargets)} (or q,k,v,o,gate,up,down, or all)",
                    field: field, value: raw);
            if (!names.Contains(name)) names.Add(name);
        }
        if (names.Count == 0) throw new Core.Errors.InputException("no LoRA target given", field: field, value: text);
        return names;
    }
}
