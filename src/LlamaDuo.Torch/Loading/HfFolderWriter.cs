using LlamaDuo.Models.Model;
using LlamaDuo.Torch.Model;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Loading;

/// <summary>
/// Writes a model as a Hugging Face folder: config.json and model.safetensors with HF tensor names, which
/// transformers, llama.cpp's converter and our own loader read back.
/// </summary>
public static class HfFolderWriter
{
    /// <summary>Tokenizer and generation files copied along when a source folder is given.</summary>
    public static readonly IReadOnlyList<string> SideFiles =
        ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json", "tokenizer.model"];

    /// <summary>
    /// Writes config.json and model.safetensors into <paramref name="folder"/>, tensors in <paramref name="dtype"/>
    /// (default: the model's). The model must hold plain weights: merge LoRA adapters first.
    /// </summary>
    public static void Write(LlamaForCausalLM model, string folder, ScalarType? dtype = null, string? copySideFilesFrom = null)
    {
        Directory.CreateDirectory(folder);
        var target = dtype ?? model.DType;
        var names = LlamaForCausalLM.ParameterNames(model.Config).ToHashSet();

        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (name, p) in model.named_parameters())
            {
                if (!names.Contains(name))
                    throw new InvalidOperationException($"parameter '{name}' is not a Hugging Face Llama name; merge adapters before writing");
                tensors[name] = p.detach().to(target).contiguous();
            }
            var config = model.Config with { TorchDtype = target == ScalarType.BFloat16 ? "bfloat16" : target == ScalarType.Float16 ? "float16" : "float32" };
            File.WriteAllText(Path.Combine(folder, "config.json"), LlamaConfigJson.ToJson(config));
            var weights = Path.Combine(folder, "model.safetensors");
            var temp = weights + ".tmp";
            Safetensors.SaveStateDict(temp, tensors);
            File.Move(temp, weights, overwrite: true);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
        if (copySideFilesFrom is not null)
            foreach (var f in SideFiles.Select(f => Path.Combine(copySideFilesFrom, f)).Where(File.Exists))
                File.Copy(f, Path.Combine(folder, Path.GetFileName(f)), overwrite: true);
    }
}
