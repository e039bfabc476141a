using LlamaDuo.Models.Lora;

namespace LlamaDuo.Torch.Lora;

/// <summary>Conversions between the trainer's <see cref="LoraSettings"/> and a PEFT adapter_config.json.</summary>
internal static class LoraSettingsPeft
{
    /// <summary>The adapter's shape as trainer settings.</summary>
    public static LoraSettings ToSettings(this PeftAdapterConfig config) =>
        new() { Rank = config.R, Alpha = config.LoraAlpha, Dropout = config.LoraDropout, Targets = config.TargetModules };

    /// <summary>A config for adapters of shape <paramref name="settings"/> on <paramref name="baseModel"/>.</summary>
    public static PeftAdapterConfig ToPeftConfig(this LoraSettings settings, string? baseModel) => new()
    {
        R = settings.Rank,
        LoraAlpha = settings.EffectiveAlpha,
        LoraDropout = settings.Dropout,
        TargetModules = settings.Targets,
        BaseModelNameOrPath = baseModel,
    };
}
