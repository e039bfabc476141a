using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Catalog;
using LlamaDuo.Models.Hub;
using LlamaDuo.Torch.Catalog;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Loading;

/// <summary>
/// Loads a student model from a name or a path: "stories15m" (fetched into the cache on first use), a llama2.c
/// .bin (tokenizer.bin beside it), "shape:qwen2.5-0.5b" (a real shape with random weights, see <see cref="BenchShapes"/>), a Hugging Face folder, or <c>hf:owner/name[@revision]</c> (fetched into the hub cache).
/// </summary>
public static class ModelLoader
{
    /// <summary>Loads <paramref name="nameOrPath"/>; <paramref name="dtype"/> is Float32 or BFloat16.</summary>
    public static StudentModel Load(string nameOrPath, ScalarType dtype = ScalarType.Float32, string? templateOverride = null,
        TextWriter? log = null, ICollection<string>? notes = null)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16))
            throw new InputException("dtype must be float32 or bfloat16", field: "dtype", value: dtype.ToString());
        if (string.Equals(nameOrPath, Stories15M.Name, StringComparison.OrdinalIgnoreCase))
        {
            var folder = Stories15M.EnsureAsync(log).GetAwaiter().GetResult();
            Stories15M.Verify(folder);
            return Llama2cLoader.Load(Stories15M.ModelPath, Stories15M.TokenizerPath, dtype, Stories15M.Name, templateOverride);
        }
        if (BenchShapes.IsShapeName(nameOrPath))
            return BenchShapeModels.Load(BenchShapes.Find(nameOrPath, field: "model"), dtype, log: log);
        if (HfReference.IsReference(nameOrPath))
        {
            using var hub = HfHub.FromEnvironment(log);
            return HfFolderLoader.Load(hub.DownloadModelAsync(nameOrPath).GetAwaiter().GetResult(), dtype, templateOverride, notes);
        }
        if (Directory.Exists(nameOrPath))
        {
            if (HfFolderLoader.IsHfFolder(nameOrPath)) return HfFolderLoader.Load(nameOrPath, dtype, templateOverride, notes);
            throw new InputException("folder has no config.json; expected a Hugging Face model folder", nameOrPath);
        }
        if (File.Exists(nameOrPath) && nameOrPath.EndsWith(".bin", StringComparison.OrdinalIgnoreCase))
        {
            var tokenizer = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(nameOrPath))!, "tokenizer.bin");
            return Llama2cLoader.Load(nameOrPath, tokenizer, dtype, templateName: templateOverride);
        }
        if (File.Exists(nameOrPath))
            throw new InputException("unrecognised model file; expected a llama2.c .bin or a Hugging Face folder (GGUF files run with --engine llamacpp)", nameOrPath);
        throw new InputException($"no such model: not '{Stories15M.Name}', not a file, not a folder", field: "model", value: nameOrPath);
    }
}
