using LLama;
using LLama.Native;
using LlamaDuo.LlamaCpp.Engine;
using LlamaDuo.LlamaCpp.Export;
using LlamaDuo.LlamaCpp.Gguf;

namespace LlamaDuo.LlamaCpp.Quantize;

/// <summary>
/// Quantized GGUF files (q4_k_m and the other llama.cpp quants) made by llama.cpp's own quantizer
/// (<c>llama_model_quantize</c> through LLamaSharp's <see cref="LLamaQuantizer"/>), so the files are exactly what
/// llama-quantize would write: its per-tensor type mix, its fallbacks for rows that are not whole blocks, and
/// <c>general.file_type</c>. Every step writes to a temporary file beside the target and renames it at the end.
/// </summary>
internal static class LlamaCppQuantizer
{
    /// <summary>
    /// Writes <paramref name="path"/> in <paramref name="quant"/>: directly with our writer for the quants it
    /// produces, else an F32 GGUF beside the target, quantized by llama.cpp into another temporary file that is then
    /// renamed over <paramref name="path"/>. On failure neither temporary file remains and an existing target is kept.
    /// </summary>
    public static void WriteFile(string path, GgufMetadata metadata, IReadOnlyList<GgufTensor> tensors, GgufQuant quant)
    {
        if (!quant.ByLlamaCpp())
        {
            GgufWriter.WriteFile(path, metadata, tensors);
            return;
        }
        var full = Path.GetFullPath(path);
        var source = $"{full}.{quant.WrittenByUs().Name()}-{Guid.NewGuid():N}.tmp";
        try
        {
            GgufWriter.WriteFile(source, metadata, tensors);
            Quantize(source, full, quant);
        }
        finally
        {
            if (File.Exists(source)) File.Delete(source);
        }
    }

    /// <summary>
    /// Quantizes the F32/F16 GGUF <paramref name="source"/> to <paramref name="target"/> with llama.cpp, using every
    /// core. The output tensor is quantized too (llama-quantize's default). Throws when llama.cpp reports a failure,
    /// with its error line; the target is then untouched.
    /// </summary>
    public static void Quantize(string source, string target, GgufQuant quant)
    {
        if (!quant.ByLlamaCpp())
            throw new ArgumentException($"{quant.Name()} is written by our GGUF writer, not by llama.cpp's quantizer", nameof(quant));
        LlamaCppNative.EnsureConfigured();
        // LLamaQuantizer calls into libllama without going through NativeApi's static constructor, which is what
        // finds and loads the library; in a process that has not loaded a model yet, load it here.
        NativeApi.llama_empty_call();
        var full = Path.GetFullPath(target);
        var temp = $"{full}.tmp-{Guid.NewGuid():N}";
        try
        {
            bool ok = LLamaQuantizer.Quantize(source, temp, GgufQuants.Ftype(quant), Environment.ProcessorCount,
                allowRequantize: false, quantizeOutputTensor: true);
            if (!ok) throw new InvalidOperationException($"llama.cpp could not quantize {full} to {quant.Name()}: {LlamaCppNative.LastError}");
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
