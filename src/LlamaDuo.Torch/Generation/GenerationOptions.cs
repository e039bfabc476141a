namespace LlamaDuo.Torch.Generation;

/// <summary>
/// How to decode. Temperature 0 is greedy. Sampling applies top-k, then top-p (nucleus), then draws from the rest.
/// With a <see cref="Seed"/>, each (prompt, sample) row has its own generator seeded from (seed, prompt index,
/// sample index), so results do not depend on how rows were batched.
/// </summary>
public sealed record GenerationOptions
{
    /// <summary>Most tokens to generate per row (also capped by the context length).</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Softmax temperature; 0 or less decodes greedily.</summary>
    public float Temperature { get; init; }

    /// <summary>Keep the smallest set of tokens whose probability reaches this mass; 1 keeps all.</summary>
    public float TopP { get; init; } = 1f;

    /// <summary>Keep only the k most likely tokens; 0 keeps all.</summary>
    public int TopK { get; init; }

    /// <summary>Seed for sampling; null draws a fresh one.</summary>
    public long? Seed { get; init; }

    /// <summary>Token ids that end a row (not included in the output). Empty: the model's own stop ids.</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Strings that end a row; the output is cut just before the first one.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    /// <summary>Independent samples per prompt (K).</summary>
    public int SamplesPerPrompt { get; init; } = 1;

    /// <summary>Most rows decoded together; more rows are processed in successive batches.</summary>
    public int MaxBatchSize { get; init; } = 8;

    /// <summary>Throws ArgumentException naming the bad value.</summary>
    public void Validate()
    {
        if (MaxNewTokens < 1) throw new ArgumentException($"max new tokens must be at least 1, got {MaxNewTokens}");
        if (float.IsNaN(Temperature)) throw new ArgumentException("temperature is NaN");
        if (TopP is <= 0 or > 1) throw new ArgumentException($"top-p must be in (0, 1], got {TopP}");
        if (TopK < 0) throw new ArgumentException($"top-k must be 0 (off) or positive, got {TopK}");
        if (SamplesPerPrompt < 1) throw new ArgumentException($"samples per prompt must be at least 1, got {SamplesPerPrompt}");
        if (MaxBatchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {MaxBatchSize}");
    }
}
