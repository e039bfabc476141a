using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.Models.Model;

/// <summary>
/// Reads and writes Hugging Face config.json for the Llama family. Anything we would silently get wrong (another
/// architecture, an unknown RoPE scaling type) is an <see cref="InputException"/> naming the file and field.
/// </summary>
public static class LlamaConfigJson
{
    /// <summary>model_type values whose weights have the Llama layout (SmolLM and TinyLlama ship as "llama").</summary>
    public static readonly IReadOnlySet<string> SupportedModelTypes = new HashSet<string> { "llama", "mistral", "qwen2" };

    /// <summary>Parses a config.json file. Notes about ignored options (e.g. Mistral's sliding window) go to <paramref name="notes"/>.</summary>
    public static LlamaConfig Load(string path, ICollection<string>? notes = null)
    {
        if (!File.Exists(path)) throw new InputException("config.json not found; a Hugging Face model folder needs one", path);
        JsonNode? root;
        try { root = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InputException($"not valid JSON: {e.Message}", path, line: (int?)(e.LineNumber + 1)); }
        if (root is not JsonObject obj) throw new InputException("expected a JSON object", path);
        return Parse(obj, path, notes);
    }

    /// <summary>Parses a config.json object; <paramref name="file"/> is only used in error messages.</summary>
    public static LlamaConfig Parse(JsonObject obj, string file, ICollection<string>? notes = null)
    {
        var modelType = Str(obj, "model_type", file) ?? throw new InputException("missing model_type", file, field: "model_type");
        if (!SupportedModelTypes.Contains(modelType))
            throw new InputException($"unsupported architecture; supported model_type values: {string.Join(", ", SupportedModelTypes)}",
                file, field: "model_type", value: modelType);
        if (obj["architectures"] is JsonArray archs && archs.Count > 0)
        {
            var arch = archs[0]?.GetValue<string>() ?? "";
            if (!arch.EndsWith("ForCausalLM", StringComparison.Ordinal))
                throw new InputException("only causal language models (…ForCausalLM) are supported", file, field: "architectures", value: arch);
        }
        var hidden = Int(obj, "hidden_size", file) ?? throw Missing("hidden_size", file);
        var heads = Int(obj, "num_attention_heads", file) ?? throw Missing("num_attention_heads", file);
        if (obj["head_dim"] is JsonNode hd && hd.GetValue<int>() != hidden / heads)
            throw new InputException("a head_dim different from hidden_size / num_attention_heads is not supported", file,
                field: "head_dim", value: hd.ToJsonString());
        if (obj["sliding_window"] is JsonNode sw && sw.GetValueKind() != JsonValueKind.Null)
            notes?.Add($"{file}: sliding_window={sw.ToJsonString()} ignored (full attention is used; contexts here are short)");
        if (obj["hidden_act"] is JsonNode act && act.GetValue<string>() is not ("silu" or "swish"))
            throw new InputException("only the SiLU (SwiGLU) MLP is supported", file, field: "hidden_act", value: act.GetValue<string>());

        var config = new LlamaConfig
        {
            ModelType = modelType,
            HiddenSize = hidden,
            IntermediateSize = Int(obj, "intermediate_size", file) ?? throw Missing("intermediate_size", file),
            NumHiddenLayers = Int(obj, "num_hidden_layers", file) ?? throw Missing("num_hidden_layers", file),
            NumAttentionHeads = heads,
            NumKeyValueHeads = Int(obj, "num_key_value_heads", file) ?? heads,
            VocabSize = Int(obj, "vocab_size", file) ?? throw Missing("vocab_size", file),
            RmsNormEps = Dbl(obj, "rms_norm_eps", file) ?? 1e-6,
            RopeTheta = Dbl(obj, "rope_theta", file) ?? 10000.0,
            RopeScaling = ParseRopeScaling(obj["rope_scaling"], file),
            MaxPositionEmbeddings = Int(obj, "max_position_embeddings", file) ?? 2048,
            // Llama, Mistral and Qwen2 configs default to untied; SmolLM and Qwen2.5-0.5B say true explicitly.
            TieWordEmbeddings = Bool(obj, "tie_word_embeddings", file) ?? false,
            // Qwen2 always has q/k/v biases (its config has no flag); Llama configs may say attention_bias.
            AttentionBias = modelType == "qwen2" || (Bool(obj, "attention_bias", file) ?? false),
            BosTokenId = Int(obj, "bos_token_id", file),
            EosTokenIds = IntList(obj["eos_token_id"], file, "eos_token_id"),
            TorchDtype = Str(obj, "torch_dtype", file) ?? "float32",
        };
        if (Bool(obj, "mlp_bias", file) == true)
            throw new InputException("MLP biases are not supported", file, field: "mlp_bias", value: "true");
        config.Validate(file);
        return config;
    }

    static RopeScaling? ParseRopeScaling(JsonNode? node, string file)
    {
        if (node is null || node.GetValueKind() == JsonValueKind.Null) return null;
        if (node is not JsonObject o) throw new InputException("expected an object or null", file, field: "rope_scaling", value: node.ToJsonString());
        var type = Str(o, "rope_type", file) ?? Str(o, "type", file);
        if (type == "default") return null;
        if (type != "llama3")
            throw new InputException("unsupported rope_scaling type; only \"llama3\" (or none) is supported", file,
                field: "rope_scaling.rope_type", value: type ?? "(missing)");
        return new RopeScaling(
            Dbl(o, "factor", file) ?? throw Missing("rope_scaling.factor", file),
            Dbl(o, "low_freq_factor", file) ?? 1.0,
            Dbl(o, "high_freq_factor", file) ?? 4.0,
            Int(o, "original_max_position_embeddings", file) ?? throw Missing("rope_scaling.original_max_position_embeddings", file));
    }

    /// <summary>Serialises a config in Hugging Face's shape (with "architectures"), for folders we write.</summary>
    public static string ToJson(LlamaConfig c)
    {
        var arch = c.ModelType switch { "qwen2" => "Qwen2ForCausalLM", "mistral" => "MistralForCausalLM", _ => "LlamaForCausalLM" };
        var o = new JsonObject
        {
            ["architectures"] = new JsonArray(arch),
            ["model_type"] = c.ModelType,
            ["hidden_size"] = c.HiddenSize,
            ["intermediate_size"] = c.IntermediateSize,
            ["num_hidden_layers"] = c.NumHiddenLayers,
            ["num_attention_heads"] = c.NumAttentionHeads,
            ["num_key_value_heads"] = c.NumKeyValueHeads,
            ["vocab_size"] = c.VocabSize,
            ["rms_norm_eps"] = c.RmsNormEps,
            ["rope_theta"] = c.RopeTheta,
            ["max_position_embeddings"] = c.MaxPositionEmbeddings,
            ["tie_word_embeddings"] = c.TieWordEmbeddings,
            ["attention_bias"] = c.AttentionBias,
            ["hidden_act"] = "silu",
            ["torch_dtype"] = c.TorchDtype,
        };
        if (c.RopeScaling is { } rs)
            o["rope_scaling"] = new JsonObject
            {
                ["rope_type"] = "llama3", ["factor"] = rs.Factor, ["low_freq_factor"] = rs.LowFreqFactor,
                ["high_freq_factor"] = rs.HighFreqFactor, ["original_max_position_embeddings"] = rs.OriginalMaxPositionEmbeddings,
            };
        if (c.BosTokenId is { } bos) o["bos_token_id"] = bos;
        if (c.EosTokenIds.Count == 1) o["eos_token_id"] = c.EosTokenIds[0];
        else if (c.EosTokenIds.Count > 1) o["eos_token_id"] = new JsonArray(c.EosTokenIds.Select(i => (JsonNode)i).ToArray());
        return o.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Reads eos_token_id from an int or a list of ints (generation_config.json uses the same shape).</summary>
    public static IReadOnlyList<int> IntList(JsonNode? node, string file, string field)
    {
        if (node is null || node.GetValueKind() == JsonValueKind.Null) return [];
        try
        {
            return node is JsonArray a ? a.Select(n => n!.GetValue<int>()).ToArray() : [node.GetValue<int>()];
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            throw new InputException("expected an integer or a list of integers", file, field: field, value: node.ToJsonString());
        }
    }

    static InputException Missing(string field, string file) => new("missing required field", file, field: field);

    static T? Get<T>(JsonObject o, string key, string file) where T : struct
    {
        var n = o[key];
        if (n is null || n.GetValueKind() == JsonValueKind.Null) return null;
        try { return n.GetValue<T>(); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new InputException($"expected a {typeof(T).Name}", file, field: key, value: n.ToJsonString());
        }
    }

    static int? Int(JsonObject o, string key, string file) => Get<int>(o, key, file);
    static double? Dbl(JsonObject o, string key, string file) => Get<double>(o, key, file);
    static bool? Bool(JsonObject o, string key, string file) => Get<bool>(o, key, file);

    static string? Str(JsonObject o, string key, string file)
    {
        var n = o[key];
        if (n is null || n.GetValueKind() == JsonValueKind.Null) return null;
        if (n.GetValueKind() != JsonValueKind.String) throw new InputException("expected a string", file, field: key, value: n.ToJsonString());
        return n.GetValue<string>();
    }
}
