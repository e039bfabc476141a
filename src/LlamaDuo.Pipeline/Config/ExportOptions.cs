namespace LlamaDuo.Pipeline.Config;

/// <summary>The <c>export</c> section: what the passing (or best) model is written as.</summary>
public sealed record ExportOptions
{
    /// <summary>Any of: safetensors (merged HF folder), gguf, peft (adapter only), ollama (Modelfile next to the GGUF).</summary>
    public IReadOnlyList<string> Formats { get; init; } = ["safetensors", "gguf", "ollama"];

    /// <summary>GGUF tensor type: f32, f16, bf16 or q8_0.</summary>
    public string Quant { get; init; } = "f16";

    /// <summary>Largest drop in mean judge score (points) allowed between the trained and the exported model.</summary>
    public double ParityTolerance { get; init; } = 2.0;
}
