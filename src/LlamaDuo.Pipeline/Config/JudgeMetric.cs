using System.Runtime.Serialization;

namespace LlamaDuo.Pipeline.Config;

/// <summary>How candidates are scored. Programmatic metrics are scaled to 0-100 like the LLM judge.</summary>
public enum JudgeMetric
{
    /// <summary>The service LLM judges similarity and precision (1-100) with reasons.</summary>
    [EnumMember(Value = "llm")] Llm,
    [EnumMember(Value = "exact")] Exact,
    [EnumMember(Value = "rouge_l")] RougeL,
    [EnumMember(Value = "bleu")] Bleu,
}
