using LlamaDuo.Core.Errors;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Lora;

/// <summary>
/// A LoRA adapter folder in the PEFT layout: adapter_config.json plus adapter_model.safetensors whose tensors are named
/// <c>base_model.model.{module}.lora_A.weight</c> [r, in] and <c>...lora_B.weight</c> [out, r], with {module} the
/// Hugging Face path of the projection (e.g. <c>model.layers.0.self_attn.q_proj</c>). vLLM, PEFT and llama.cpp's
/// convert_lora_to_gguf.py read this layout.
/// </summary>
public static class PeftAdapterFiles
{
    public const string ConfigFile = "adapter_config.json";
    public const string WeightsFile = "adapter_model.safetensors";

    public static string KeyA(string module) => $"base_model.model.{module}.lora_A.weight";
    public static string KeyB(string module) => $"base_model.model.{module}.lora_B.weight";

    /// <summary>True when <paramref name="dir"/> holds both adapter files.</summary>
    public static bool Exists(string dir) =>
        File.Exists(Path.Combine(dir, ConfigFile)) && File.Exists(Path.Combine(dir, WeightsFile));

    /// <summary>
    /// Writes the adapters of <paramref name="layers"/> (module path -> layer) to <paramref name="dir"/>. The folder is
    /// built beside the target and moved into place, so a crash never leaves a half-written adapter.
    /// </summary>
    public static void Save(string dir, IReadOnlyDictionary<string, LoraLinear> layers, LoraSettings settings, string? baseModel)
    {
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (module, layer) in layers)
        {
            tensors[KeyA(module)] = layer.A;
            tensors[KeyB(module)] = layer.B;
        }
        AtomicFolder.Write(dir, staging =>
        {
            File.WriteAllText(Path.Combine(staging, ConfigFile), PeftAdapterConfig.From(settings, baseModel).ToJson());
            SafetensorsFile.Write(Path.Combine(staging, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        });
    }

    /// <summary>Reads an adapter folder: its config and, per module path, the A and B tensors (fp32, CPU).</summary>
    public static (PeftAdapterConfig Config, Dictionary<string, (Tensor A, Tensor B)> Weights) Load(string dir)
    {
        var config = PeftAdapterConfig.Read(Path.Combine(dir, ConfigFile));
        var weightsPath = Path.Combine(dir, WeightsFile);
        if (!File.Exists(weightsPath)) throw new InputException("adapter_model.safetensors not found", weightsPath);
        var tensors = SafetensorsFile.Read(weightsPath);
        var weights = new Dictionary<string, (Tensor A, Tensor B)>();
        foreach (var key in tensors.Keys.Where(k => k.EndsWith(".lora_A.weight", StringComparison.Ordinal)))
        {
            var module = ModuleOf(key, ".lora_A.weight", weightsPath);
            if (!tensors.TryGetValue(KeyB(module), out var b))
                throw new InputException("lora_A has no matching lora_B", weightsPath, field: key);
            weights[module] = (tensors[key].to(ScalarType.Float32), b.to(ScalarType.Float32));
        }
        foreach (var key in tensors.Keys.Where(k => !k.EndsWith(".lora_A.weight", StringComparison.Ordinal)))
            if (!key.EndsWith(".lora_B.weight", StringComparison.Ordinal) || !weights.ContainsKey(ModuleOf(key, ".lora_B.weight", weightsPath)))
                throw new InputException("unexpected tensor in a LoRA adapter (only lora_A / lora_B pairs are supported)", weightsPath, field: key);
        if (weights.Count == 0) throw new InputException("adapter holds no lora_A / lora_B tensors", weightsPath);
        return (config, weights);
    }

    /// <summary>Copies loaded A and B into the matching layers; every layer must be covered, shapes must agree.</summary>
    public static void CopyInto(IReadOnlyDictionary<string, LoraLinear> layers, IReadOnlyDictionary<string, (Tensor A, Tensor B)> weights, string dir)
    {
        foreach (var module in weights.Keys)
            if (!layers.ContainsKey(module))
                throw new InputException("adapter names a module this model does not have (adapter made for another model?)", dir, field: module);
        using var _ = no_grad();
        foreach (var (module, layer) in layers)
        {
            if (!weights.TryGetValue(module, out var w))
                throw new InputException("adapter has no weights for this module (targets differ?)", dir, field: module);
            if (!w.A.shape.SequenceEqual(layer.A.shape) || !w.B.shape.SequenceEqual(layer.B.shape))
                throw new InputException(
                    $"adapter shapes [{string.Join(",", w.A.shape)}]/[{string.Join(",", w.B.shape)}] do not fit the layer's [{string.Join(",", layer.A.shape)}]/[{string.Join(",", layer.B.shape)}] (adapter made for another model or rank?)",
                    dir, field: module);
            layer.A.copy_(w.A);
            layer.B.copy_(w.B);
        }
    }

    static string ModuleOf(string key, string suffix, string path)
    {
        const string prefix = "base_model.model.";
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
            throw new InputException($"tensor name does not start with '{prefix}' (not a PEFT adapter?)", path, field: key);
        return key[prefix.Length..^suffix.Length];
    }
}
