using System.Text.Json;
using System.Text.Json.Serialization;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Models.Lora;

/// <summary>
/// adapter_config.json of a PEFT LoRA adapter (the fields PEFT and vLLM read). Written with every field PEFT expects
/// so `PeftModel.from_pretrained` loads it; read leniently (unknown fields ignored).
/// </summary>
public sealed record PeftAdapterConfig
{
    [JsonPropertyName("peft_type")] public string PeftType { get; init; } = "LORA";
    [JsonPropertyName("task_type")] public string TaskType { get; init; } = "CAUSAL_LM";
    [JsonPropertyName("r")] public int R { get; init; }
    [JsonPropertyName("lora_alpha")] public double LoraAlpha { get; init; }
    [JsonPropertyName("lora_dropout")] public double LoraDropout { get; init; }
    [JsonPropertyName("target_modules")] public IReadOnlyList<string> TargetModules { get; init; } = [];
    [JsonPropertyName("base_model_name_or_path")] public string? BaseModelNameOrPath { get; init; }
    [JsonPropertyName("bias")] public string Bias { get; init; } = "none";
    [JsonPropertyName("fan_in_fan_out")] public bool FanInFanOut { get; init; }
    [JsonPropertyName("inference_mode")] public bool InferenceMode { get; init; } = true;
    [JsonPropertyName("init_lora_weights")] public bool InitLoraWeights { get; init; } = true;
    [JsonPropertyName("use_rslora")] public bool UseRslora { get; init; }
    [JsonPropertyName("use_dora")] public bool UseDora { get; init; }
    [JsonPropertyName("modules_to_save")] public IReadOnlyList<string>? ModulesToSave { get; init; }
    [JsonPropertyName("revision")] public string? Revision { get; init; }

    /// <summary>The projections of a Llama block that an adapter may target, in the order PEFT configs list them.</summary>
    public static readonly IReadOnlyList<string> LlamaProjections = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads and checks adapter_config.json; anything this trainer cannot apply is an <see cref="InputException"/>.</summary>
    public static PeftAdapterConfig Read(string path)
    {
        if (!File.Exists(path)) throw new InputException("adapter_config.json not found; is this a PEFT adapter folder?", path);
        PeftAdapterConfig config;
        try
        {
            config = JsonSerializer.Deserialize<PeftAdapterConfig>(File.ReadAllText(path))
                ?? throw new InputException("empty adapter config", path);
        }
        catch (JsonException e)
        {
            throw new InputException($"adapter config is not valid JSON: {e.Message}", path, inner: e);
        }
        if (config.PeftType != "LORA") throw new InputException("only LORA adapters are supported", path, field: "peft_type", value: config.PeftType);
        if (config.R < 1) throw new InputException("rank must be positive", path, field: "r", value: config.R.ToString());
        if (config.Bias != "none") throw new InputException("only bias \"none\" is supported", path, field: "bias", value: config.Bias);
        if (config.UseDora || config.UseRslora)
            throw new InputException("DoRA and rsLoRA adapters are not supported", path, field: config.UseDora ? "use_dora" : "use_rslora", value: "true");
        if (config.FanInFanOut) throw new InputException("fan_in_fan_out adapters (GPT-2 Conv1D) are not supported", path, field: "fan_in_fan_out", value: "true");
        foreach (var target in config.TargetModules)
            if (!LlamaProjections.Contains(target))
                throw new InputException($"unsupported target module; this trainer handles {string.Join(",", LlamaProjections)}", path, field: "target_modules", value: target);
        return config;
    }
}
