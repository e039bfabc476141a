using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Safetensors;

namespace LlamaDuo.Models.Lora;

/// <summary>
/// A LoRA adapter folder in the PEFT layout: adapter_config.json plus adapter_model.safetensors whose tensors are named
/// <c>base_model.model.{module}.lora_A.weight</c> [r, in] and <c>...lora_B.weight</c> [out, r], with {module} the
/// Hugging Face path of the projection (e.g. <c>model.layers.0.self_attn.q_proj</c>). vLLM, PEFT and llama.cpp's
/// convert_lora_to_gguf.py read this layout. Read here without TorchSharp; LlamaDuo.Torch's PeftAdapterFiles
/// writes it and loads it into tensors.
/// </summary>
public static class PeftAdapterFolder
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";

    public static string KeyA(string module) => $"base_model.model.{module}.lora_A.weight";
    public static string KeyB(string module) => $"base_model.model.{module}.lora_B.weight";

    /// <summary>True when <paramref name="dir"/> holds both adapter files.</summary>
    public static bool Exists(string dir) =>
        File.Exists(Path.Combine(dir, ConfigFile)) && File.Exists(Path.Combine(dir, WeightsFile));

    /// <summary>Reads an adapter folder: its checked config and, per module path, the stored A and B tensors.</summary>
    public static (PeftAdapterConfig Config, Dictionary<string, (SafetensorsTensor A, SafetensorsTensor B)> Weights) Read(string dir)
    {
        var config = PeftAdapterConfig.Read(Path.Combine(dir, ConfigFile));
        var weightsPath = Path.Combine(dir, WeightsFile);
        if (!File.Exists(weightsPath)) throw new InputException("adapter_model.safetensors not found", weightsPath);
        var tensors = SafetensorsReader.Read(weightsPath);
        var weights = new Dictionary<string, (SafetensorsTensor A, SafetensorsTensor B)>();
        foreach (var key in tensors.Keys.Where(k => k.EndsWith(".lora_A.weight", StringComparison.Ordinal)))
        {
            var module = ModuleOf(key, ".lora_A.weight", weightsPath);
            if (!tensors.TryGetValue(KeyB(module), out var b))
                throw new InputException("lora_A has no matching lora_B", weightsPath, field: key);
            weights[module] = (tensors[key], b);
        }
        foreach (var key in tensors.Keys.Where(k => !k.EndsWith(".lora_A.weight", StringComparison.Ordinal)))
            if (!key.EndsWith(".lora_B.weight", StringComparison.Ordinal) || !weights.ContainsKey(ModuleOf(key, ".lora_B.weight", weightsPath)))
                throw new InputException("unexpected tensor in a LoRA adapter (only lora_A / lora_B pairs are supported)", weightsPath, field: key);
        if (weights.Count == 0) throw new InputException("adapter holds no lora_A / lora_B tensors", weightsPath);
        return (config, weights);
    }

    static string ModuleOf(string key, string suffix, string path)
    {
        const string prefix = "base_model.model.";
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
            throw new InputException($"tensor name does not start with '{prefix}' (not a PEFT adapter?)", path, field: key);
        return key[prefix.Length..^suffix.Length];
    }
}
