using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Model;
using LlamaDuo.Models.Templates;
using LlamaDuo.Models.Tokenizers;
using LlamaDuo.Torch.Model;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Loading;

/// <summary>
/// Loads a Hugging Face model folder: config.json, model.safetensors or shards listed in
/// model.safetensors.index.json, tokenizer.json (+ tokenizer_config.json), generation_config.json.
/// </summary>
internal static class HfFolderLoader
{
    /// <summary>True when <paramref name="folder"/> looks like a Hugging Face model folder.</summary>
    public static bool IsHfFolder(string folder) => File.Exists(Path.Combine(folder, "config.json"));

    /// <summary>Loads weights, tokenizer and chat template. <paramref name="templateOverride"/> names a template to use instead of the one recognised.</summary>
    public static StudentModel Load(string folder, ScalarType dtype = ScalarType.Float32, string? templateOverride = null, ICollection<string>? notes = null)
    {
        var config = LlamaConfigJson.Load(Path.Combine(folder, "config.json"), notes);
        var model = LoadWeights(folder, config, dtype);
        var tokenizer = LoadTokenizer(folder);
        var template = LoadTemplate(folder, templateOverride);
        var stops = ReadGenerationEos(folder).Concat(config.EosTokenIds).Append(tokenizer.EosId).Distinct().ToArray();
        return new StudentModel(config, model, tokenizer, template, folder, stops);
    }

    /// <summary>Builds the model for <paramref name="config"/> and fills it from the folder's safetensors.</summary>
    public static LlamaForCausalLM LoadWeights(string folder, LlamaConfig config, ScalarType dtype = ScalarType.Float32)
    {
        var model = new LlamaForCausalLM(config);
        var parameters = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        var missing = new HashSet<string>(parameters.Keys);
        foreach (var file in WeightFiles(folder))
        {
            Dictionary<string, Tensor> tensors;
            try { tensors = Safetensors.LoadStateDict(file); }
            catch (Exception e) when (e is not InputException)
            {
                throw new InputException($"cannot read safetensors ({e.GetType().Name}: {e.Message}); the file may be truncated or corrupt", file, inner: e);
            }
            foreach (var (name, t) in tensors)
                using (t)
                {
                    // Tied checkpoints sometimes still carry lm_head.weight; old ones carry rotary inv_freq buffers.
                    if (name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)) continue;
                    if (name == "lm_head.weight" && config.TieWordEmbeddings) continue;
                    WeightAssign.Copy(parameters, name, t, file);
                    missing.Remove(name);
                }
        }
        if (missing.Count > 0)
            throw new InputException($"weights missing from the checkpoint: {string.Join(", ", missing.Order().Take(5))}" +
                (missing.Count > 5 ? $" and {missing.Count - 5} more" : ""), folder);
        return dtype == ScalarType.Float32 ? model : model.to(dtype);
    }

    /// <summary>model.safetensors, or every shard named in model.safetensors.index.json.</summary>
    public static IReadOnlyList<string> WeightFiles(string folder)
    {
        var single = Path.Combine(folder, "model.safetensors");
        if (File.Exists(single)) return [single];
        var index = Path.Combine(folder, "model.safetensors.index.json");
        if (!File.Exists(index))
            throw new InputException("no weights: expected model.safetensors or model.safetensors.index.json", folder);
        JsonObject map;
        try { map = JsonNode.Parse(File.ReadAllText(index))?["weight_map"] as JsonObject ?? throw new InputException("no weight_map object", index, field: "weight_map"); }
        catch (JsonException e) { throw new InputException($"not valid JSON: {e.Message}", index); }
        var files = map.Select(kv => kv.Value?.GetValue<string>() ?? throw new InputException("shard name must be a string", index, field: kv.Key))
            .Distinct().Select(f => Path.Combine(folder, f)).ToList();
        foreach (var f in files.Where(f => !File.Exists(f)))
            throw new InputException("shard listed in model.safetensors.index.json is missing", f);
        return files;
    }

    /// <summary>eos_token_id from generation_config.json (one id or a list), or none.</summary>
    public static IReadOnlyList<int> ReadGenerationEos(string folder)
    {
        var path = Path.Combine(folder, "generation_config.json");
        if (!File.Exists(path)) return [];
        try { return LlamaConfigJson.IntList(JsonNode.Parse(File.ReadAllText(path))?["eos_token_id"], path, "eos_token_id"); }
        catch (JsonException e) { throw new InputException($"not valid JSON: {e.Message}", path); }
    }

    private static ITokenizer LoadTokenizer(string folder) => HfTokenizer.Load(folder);

    private static IChatTemplate LoadTemplate(string folder, string? overrideName) => ChatTemplates.ForFolder(folder, overrideName);
}
