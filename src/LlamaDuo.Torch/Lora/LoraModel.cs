using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Lora;
using LlamaDuo.Models.Model;
using LlamaDuo.Torch.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Lora;

/// <summary>
/// LoRA on a <see cref="LlamaForCausalLM"/>: attach adapters to chosen projections, find them, save and load them in
/// the PEFT layout, and merge them into the base weights (W += (alpha / r) B A).
/// </summary>
public static class LoraModel
{
    /// <summary>
    /// Freezes every base parameter and wraps each target projection in a fresh <see cref="LoraLinear"/> (B = 0, so the
    /// model's output is unchanged). With <paramref name="baseDtype"/> bf16 every projection (targets or not) is
    /// replaced by a bf16 <see cref="FrozenLinear"/> first. A matrices are drawn from <paramref name="init"/> (torch's
    /// global generator when null). Returns the adapters by module path.
    /// </summary>
    public static IReadOnlyDictionary<string, LoraLinear> Attach(LlamaForCausalLM model, LoraSettings settings, ScalarType baseDtype = ScalarType.Float32,
        Generator? init = null)
    {
        if (Find(model).Count > 0) throw new InvalidOperationException("this model already carries LoRA adapters; merge or reload it first");
        if (settings.Dropout is < 0 or >= 1) throw new InputException("LoRA dropout must be in [0, 1)", field: "dropout", value: settings.Dropout.ToString());
        if (settings.EffectiveAlpha <= 0) throw new InputException("LoRA alpha must be positive", field: "alpha", value: settings.EffectiveAlpha.ToString());
        foreach (var p in model.parameters()) p.requires_grad = false;
        if (baseDtype != ScalarType.Float32) LowerProjections(model, baseDtype);
        var adapters = new Dictionary<string, LoraLinear>();
        model.ReplaceProjections(settings.Targets, (path, current) =>
        {
            var lora = new LoraLinear(current, settings.Rank, settings.EffectiveAlpha, settings.Dropout, init);
            adapters[path] = lora;
            return lora;
        });
        return adapters;
    }

    /// <summary>The largest rank the target projections allow: the smaller side of the smallest of them.</summary>
    public static int MaxRank(LlamaConfig config, IEnumerable<string> targets) => targets.Min(t => t switch
    {
        "k_proj" or "v_proj" => Math.Min(config.HiddenSize, config.KvDim),
        "gate_proj" or "up_proj" or "down_proj" => Math.Min(config.HiddenSize, config.IntermediateSize),
        _ => config.HiddenSize,
    });

    /// <summary>Replaces every projection with a frozen copy in <paramref name="dtype"/> (no adapters).</summary>
    public static void LowerProjections(LlamaForCausalLM model, ScalarType dtype) =>
        model.ReplaceProjections(LoraSettings.AllTargets, (_, current) => current is FrozenLinear f && f.DType == dtype ? current : new FrozenLinear(current, dtype));

    /// <summary>The adapters a model carries, by module path (empty when none).</summary>
    public static IReadOnlyDictionary<string, LoraLinear> Find(LlamaForCausalLM model)
    {
        var found = new Dictionary<string, LoraLinear>();
        for (var i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            foreach (var n in LlamaAttention.ProjectionNames)
                if (layer.SelfAttn.Projection(n) is LoraLinear l) found[$"model.layers.{i}.self_attn.{n}"] = l;
            foreach (var n in LlamaMlp.ProjectionNames)
                if (layer.Mlp.Projection(n) is LoraLinear l) found[$"model.layers.{i}.mlp.{n}"] = l;
        }
        return found;
    }

    /// <summary>Saves the model's adapters as a PEFT folder (adapter_config.json + adapter_model.safetensors).</summary>
    public static void SaveAdapter(LlamaForCausalLM model, string dir, LoraSettings settings, string? baseModel)
    {
        var adapters = Find(model);
        if (adapters.Count == 0) throw new InvalidOperationException("the model carries no LoRA adapters to save");
        PeftAdapterFiles.Save(dir, adapters, settings, baseModel);
    }

    /// <summary>
    /// Attaches the PEFT adapter in <paramref name="dir"/> to a plain model and loads its weights. Targets, rank and
    /// alpha come from the adapter's config; a mismatch with the model (shapes, modules) is an <see cref="InputException"/>.
    /// </summary>
    public static LoraSettings LoadAdapter(LlamaForCausalLM model, string dir, ScalarType baseDtype = ScalarType.Float32)
    {
        var (config, weights) = PeftAdapterFiles.Load(dir);
        try
        {
            var settings = config.ToSettings();
            foreach (var (module, w) in weights)
                if (w.A.shape[0] != settings.Rank)
                    throw new InputException($"lora_A has {w.A.shape[0]} rows but r = {settings.Rank}", dir, field: module);
            var adapters = Attach(model, settings, baseDtype);
            PeftAdapterFiles.CopyInto(adapters, weights, dir);
            return settings;
        }
        finally
        {
            foreach (var (a, b) in weights.Values) { a.Dispose(); b.Dispose(); }
        }
    }

    /// <summary>
    /// Attaches adapters of shape <paramref name="settings"/> and starts them from the PEFT adapter in
    /// <paramref name="dir"/> (continuing a previous round). Its rank and targets must equal the settings.
    /// </summary>
    public static IReadOnlyDictionary<string, LoraLinear> AttachFrom(LlamaForCausalLM model, string dir, LoraSettings settings, ScalarType baseDtype = ScalarType.Float32)
    {
        CheckStartingAdapter(dir, settings);
        var (_, weights) = PeftAdapterFiles.Load(dir);
        try
        {
            var adapters = Attach(model, settings, baseDtype);
            PeftAdapterFiles.CopyInto(adapters, weights, dir);
            return adapters;
        }
        finally
        {
            foreach (var (a, b) in weights.Values) { a.Dispose(); b.Dispose(); }
        }
    }

    /// <summary>Throws an <see cref="InputException"/> unless the PEFT adapter in <paramref name="dir"/> has the rank and targets of <paramref name="settings"/>.</summary>
    public static void CheckStartingAdapter(string dir, LoraSettings settings)
    {
        var config = PeftAdapterConfig.Read(Path.Combine(dir, PeftAdapterFiles.ConfigFile));
        if (config.R != settings.Rank)
            throw new InputException($"the starting adapter has rank {config.R}; train with --rank {config.R}", dir, field: "rank", value: settings.Rank.ToString());
        if (!config.TargetModules.Order().SequenceEqual(settings.Targets.Order()))
            throw new InputException($"the starting adapter targets {string.Join(",", config.TargetModules)}; train with the same --targets", dir,
                field: "targets", value: string.Join(",", settings.Targets));
    }

    /// <summary>
    /// Folds every adapter into its base weight (W += (alpha / r) B A, computed in fp32 and stored in the base's dtype)
    /// and puts the base projection back in place. Afterwards the model has its original parameter names.
    /// </summary>
    public static void Merge(LlamaForCausalLM model)
    {
        var adapters = Find(model);
        if (adapters.Count == 0) return;
        var targets = adapters.Keys.Select(p => p[(p.LastIndexOf('.') + 1)..]).Distinct().ToList();
        model.ReplaceProjections(targets, (_, current) =>
        {
            if (current is not LoraLinear lora) return current;
            using var noGrad = no_grad();
            var weight = LoraLinear.WeightOf(lora.BaseLayer);
            using var delta = lora.Delta();                                 // [out, in] fp32
            using var merged = weight.to(ScalarType.Float32).add_(delta);   // [out, in] fp32
            weight.copy_(merged);
            return lora.BaseLayer;
        });
    }

    /// <summary>Loads the adapter in <paramref name="dir"/> and merges it at once: the fast way to generate with it.</summary>
    public static LoraSettings MergeAdapter(LlamaForCausalLM model, string dir)
    {
        var settings = LoadAdapter(model, dir);
        Merge(model);
        return settings;
    }
}
