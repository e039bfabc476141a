using LlamaDuo.Core.Errors;
using LlamaDuo.LlamaCpp.Gguf;
using LlamaDuo.Models.Lora;
using LlamaDuo.Models.Safetensors;
using LlamaDuo.Models.Model;

namespace LlamaDuo.LlamaCpp.Export;

/// <summary>
/// Writes a PEFT LoRA adapter as a llama.cpp adapter GGUF, which llama.cpp applies at run time on top of the base
/// model's GGUF (<c>llama_adapter_lora_init</c>). Each adapted projection gets two tensors named after the base
/// tensor: <c>blk.N.attn_q.weight.lora_a</c> holding A as PEFT stores it ([r, in], ggml ne [in, r]) and
/// <c>.lora_b</c> holding B ([out, r], ne [r, out]); llama.cpp adds (alpha / r) B A x, r being A's row count. For
/// the "llama" architecture B's rows of q and k get the same RoPE reordering as the base weights' rows.
/// </summary>
public static class LoraGgufExport
{
    /// <summary>Builds the adapter's metadata and tensors from PEFT-named weights ("base_model.model.{module}.lora_A.weight").</summary>
    public static (GgufMetadata Metadata, IReadOnlyList<GgufTensor> Tensors) Convert(LlamaConfig config, PeftAdapterConfig adapter,
        IReadOnlyList<NamedWeight> weights, GgufTensorType type = GgufTensorType.F32, string name = "lora")
    {
        if (type is not (GgufTensorType.F32 or GgufTensorType.F16))
            throw new InputException("a LoRA adapter GGUF is written as f32 or f16", field: "--quant", value: type.ToString());
        string arch = LlamaGgufConverter.Architecture(config);
        var metadata = new GgufMetadata()
            .String("general.architecture", arch)
            .String("general.type", "adapter")
            .String("general.name", name)
            .UInt32("general.alignment", GgufWriter.Alignment)
            .String("adapter.type", "lora")
            .Float32("adapter.lora.alpha", (float)adapter.LoraAlpha);

        var tensors = new List<GgufTensor>();
        foreach (var weight in weights.OrderBy(w => w.Name, StringComparer.Ordinal))
        {
            var (module, isA) = ModuleOf(weight.Name);
            var baseName = LlamaGgufConverter.GgufName(module + ".weight")
                ?? throw new InputException("adapter tensor names no exported projection", field: weight.Name);
            CheckShape(weight, module, isA, adapter.R, config);
            // A multiplies the input, so its columns are the input features and need no reordering; B's rows are the
            // projection's outputs, which for q and k llama.cpp expects in interleaved RoPE order.
            var read = isA ? weight.Read : LlamaGgufConverter.Reordered(weight.Read, baseName, config);
            tensors.Add(new GgufTensor($"{baseName}.lora_{(isA ? 'a' : 'b')}", weight.Shape, type, read));
        }
        if (tensors.Count == 0) throw new InputException("the adapter holds no LoRA tensors");
        return (metadata, tensors);
    }

    /// <summary>Reads the PEFT adapter folder <paramref name="adapterDir"/> and writes it as an adapter GGUF at <paramref name="path"/> (atomically).</summary>
    public static void Export(string adapterDir, LlamaConfig config, string path, GgufTensorType type = GgufTensorType.F32, string? name = null)
    {
        var (adapter, weights) = Read(adapterDir);
        (GgufMetadata, IReadOnlyList<GgufTensor>) converted;
        try
        {
            converted = Convert(config, adapter, weights, type, name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(adapterDir)));
        }
        catch (InputException e) when (e.File is null)
        {
            throw new InputException(e.Message, adapterDir, inner: e);   // name the folder the bad tensor came from
        }
        GgufWriter.WriteFile(path, converted.Item1, converted.Item2);
    }

    /// <summary>A PEFT adapter folder as its config and its A/B weights under PEFT names, read into memory as fp32.</summary>
    public static (PeftAdapterConfig Config, IReadOnlyList<NamedWeight> Weights) Read(string adapterDir)
    {
        var (config, stored) = PeftAdapterFolder.Read(adapterDir);
        var weights = new List<NamedWeight>();
        foreach (var (module, (a, b)) in stored)
        {
            weights.Add(Snapshot(PeftAdapterFolder.KeyA(module), a));
            weights.Add(Snapshot(PeftAdapterFolder.KeyB(module), b));
        }
        return (config, weights);
    }

    static NamedWeight Snapshot(string name, SafetensorsTensor tensor)
    {
        if (tensor.Dtype is not ("F32" or "F16" or "BF16"))
            throw new InputException("LoRA weights must be F32, F16 or BF16", field: name, value: tensor.Dtype);
        var values = tensor.ToFloats();
        return new NamedWeight(name, tensor.Shape, () => values);
    }

    static (string Module, bool IsA) ModuleOf(string peftName)
    {
        const string prefix = "base_model.model.";
        bool isA = peftName.EndsWith(".lora_A.weight", StringComparison.Ordinal);
        if (!peftName.StartsWith(prefix, StringComparison.Ordinal) || !(isA || peftName.EndsWith(".lora_B.weight", StringComparison.Ordinal)))
            throw new InputException("not a PEFT LoRA tensor name (base_model.model.{module}.lora_A/lora_B.weight)", field: peftName);
        return (peftName[prefix.Length..^".lora_A.weight".Length], isA);
    }

    // llama.cpp only says "incorrect shape" when an adapter does not fit the base; say which tensor and why here.
    static void CheckShape(NamedWeight weight, string module, bool isA, int rank, LlamaConfig config)
    {
        var (outFeatures, inFeatures) = ProjectionShape(module[(module.LastIndexOf('.') + 1)..], config);
        long[] expected = isA ? [rank, inFeatures] : [outFeatures, rank];
        if (!weight.Shape.SequenceEqual(expected))
            throw new InputException(
                $"LoRA tensor is [{string.Join(",", weight.Shape)}] but the base model needs [{string.Join(",", expected)}] (adapter made for another model?)",
                field: weight.Name);
    }

    static (long Out, long In) ProjectionShape(string projection, LlamaConfig config) => projection switch
    {
        "q_proj" or "o_proj" => (config.HiddenSize, config.HiddenSize),
        "k_proj" or "v_proj" => (config.KvDim, config.HiddenSize),
        "gate_proj" or "up_proj" => (config.IntermediateSize, config.HiddenSize),
        "down_proj" => (config.HiddenSize, config.IntermediateSize),
        _ => throw new InputException("unsupported LoRA target module", field: projection),
    };
}
