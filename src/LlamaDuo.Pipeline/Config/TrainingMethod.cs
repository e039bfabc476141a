using System.Runtime.Serialization;

namespace LlamaDuo.Pipeline.Config;

/// <summary>Fine-tuning method: LoRA adapters on a frozen base, or every weight.</summary>
public enum TrainingMethod
{
    [EnumMember(Value = "lora")] Lora,
    [EnumMember(Value = "full")] Full,
}
