using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Lora;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Lora;

/// <summary>
/// A LoRA adapter folder in the PEFT layout (see <see cref="PeftAdapterFolder"/>) written from and loaded into the
/// trainer's <see cref="LoraLinear"/> layers.
/// </summary>
public static class PeftAdapterFiles
{
    public const string ConfigFile = PeftAdapterFolder.ConfigFile;
    public const string WeightsFile = PeftAdapterFolder.WeightsFile;

    public static string KeyA(string module) => PeftAdapterFolder.KeyA(module);
    public static string KeyB(string module) => PeftAdapterFolder.KeyB(module);

    /// <summary>True when <paramref name="dir"/> holds both adapter files.</summary>
    public static bool Exists(string dir) => PeftAdapterFolder.Exists(dir);

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
            File.WriteAllText(Path.Combine(staging, ConfigFile), settings.ToPeftConfig(baseModel).ToJson());
            SafetensorsFile.Write(Path.Combine(staging, WeightsFile), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        });
    }

    /// <summary>Reads an adapter folder: its config and, per module path, the A and B tensors (fp32, CPU).</summary>
    public static (PeftAdapterConfig Config, Dictionary<string, (Tensor A, Tensor B)> Weights) Load(string dir)
    {
        var (config, stored) = PeftAdapterFolder.Read(dir);
        var weights = new Dictionary<string, (Tensor A, Tensor B)>();
        foreach (var (module, (a, b)) in stored)
            weights[module] = (SafetensorsFile.ToTensor(a).to(ScalarType.Float32), SafetensorsFile.ToTensor(b).to(ScalarType.Float32));
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
}
