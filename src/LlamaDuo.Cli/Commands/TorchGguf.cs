using System.Runtime.CompilerServices;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.Models.Model;
using LlamaDuo.Torch.Loading;

namespace LlamaDuo.Cli.Commands;

/// <summary>
/// The one step of the llama.cpp paths of `serve` and `generate` that needs TorchSharp: a model that is not a GGUF file
/// (stories15m, a llama2.c .bin, a Hugging Face folder) is loaded by our loader and written as an fp32 GGUF. Kept out
/// of line so that the methods serving a GGUF file never name a TorchSharp type: the JIT loads TorchSharp only when
/// this method is compiled, so a GGUF served or generated on llama.cpp never maps libtorch (TorchFreeLlamaCppTests).
/// </summary>
static class TorchGguf
{
    /// <summary>Loads <paramref name="model"/> and writes it to <paramref name="path"/>; returns its config (for a LoRA adapter's export).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static LlamaConfig Write(string model, string path, string? name, string? templateOverride = null, TextWriter? log = null)
    {
        using var student = ModelLoader.Load(model, templateOverride: templateOverride, log: log);
        StudentModelExport.ToGguf(student, path, GgufQuant.F32, name);
        return student.Config;
    }
}
