using LLama;
using LLama.Common;
using LLama.Native;
using LlamaDuo.Core.Errors;

namespace LlamaDuo.LlamaCpp.Engine;

/// <summary>
/// A GGUF model loaded into llama.cpp (through LLamaSharp): tokenization, raw logits for parity checks, and contexts
/// for generation. Thread-safe for tokenization; each <see cref="CreateContext"/> result is for one caller at a time.
/// </summary>
public sealed class LlamaCppModel : IDisposable
{
    readonly LLamaWeights _weights;
    readonly LoraAdapter? _adapter;

    LlamaCppModel(string path, LLamaWeights weights, LoraAdapter? adapter, string? adapterPath, float adapterScale)
    {
        Path = path;
        _weights = weights;
        _adapter = adapter;
        AdapterPath = adapterPath;
        AdapterScale = adapterScale;
    }

    /// <summary>The GGUF file this model came from.</summary>
    public string Path { get; }

    /// <summary>The LoRA adapter GGUF applied to every context of this model, or null.</summary>
    public string? AdapterPath { get; }

    /// <summary>The factor on the adapter's update (1 applies it as trained: (alpha / r) B A x).</summary>
    public float AdapterScale { get; }

    public int VocabSize => _weights.Vocab.Count;

    /// <summary>The context length the model was trained with (GGUF "{arch}.context_length").</summary>
    public int TrainedContextLength => _weights.ContextSize;

    public int? BosId => _weights.Vocab.BOS is { } bos ? (int)bos : null;
    public int? EosId => _weights.Vocab.EOS is { } eos ? (int)eos : null;
    public bool AddsBos => _weights.Vocab.ShouldAddBOS;

    /// <summary>The Jinja chat template stored in the file (tokenizer.chat_template), or null.</summary>
    public string? ChatTemplate => MetadataString("tokenizer.chat_template");

    /// <summary>A metadata value of the GGUF file as text, or null when absent.</summary>
    public string? MetadataString(string key) => _weights.Metadata.TryGetValue(key, out var value) ? value : null;

    internal LLamaWeights Weights => _weights;

    /// <summary>
    /// Loads a GGUF file and, when <paramref name="adapterPath"/> is given, a LoRA adapter GGUF (see
    /// <see cref="Export.LoraGgufExport"/>) that every context then applies at <paramref name="adapterScale"/>.
    /// A missing or unreadable file, or an adapter made for another model, is an <see cref="InputException"/> naming it.
    /// </summary>
    public static LlamaCppModel Load(string path, string? adapterPath = null, float adapterScale = 1f)
    {
        if (!File.Exists(path)) throw new InputException("GGUF model file not found", path);
        if (adapterPath is not null && !File.Exists(adapterPath)) throw new InputException("LoRA adapter GGUF file not found", adapterPath);
        LlamaCppNative.EnsureConfigured();
        LLamaWeights weights;
        try
        {
            weights = LLamaWeights.LoadFromFile(new ModelParams(path) { GpuLayerCount = 0 });
        }
        catch (Exception e) when (e is LLama.Exceptions.LoadWeightsFailedException or LLama.Exceptions.RuntimeError)
        {
            throw new InputException($"llama.cpp could not load this GGUF file ({e.Message}); {LlamaCppNative.LastError}", path, inner: e);
        }
        if (adapterPath is null) return new LlamaCppModel(path, weights, null, null, 0);
        try
        {
            var adapter = weights.NativeHandle.LoadLoraFromFile(adapterPath);
            // LLamaSharp hands back a null pointer, not an exception, when llama.cpp rejects the file.
            if (LlamaCppNative.IsNull(adapter)) throw new InvalidOperationException("not a LoRA adapter for this model");
            return new LlamaCppModel(path, weights, adapter, adapterPath, adapterScale);
        }
        catch (InvalidOperationException e)
        {
            weights.Dispose();
            throw new InputException($"llama.cpp could not load this LoRA adapter on {System.IO.Path.GetFileName(path)} ({e.Message}); {LlamaCppNative.LastError}",
                adapterPath, inner: e);
        }
    }

    /// <summary>
    /// A llama.cpp context holding <paramref name="sequences"/> sequences of up to <paramref name="contextLength"/>
    /// tokens each. Batch size equals the whole context, since llama.cpp rejects a decode larger than its batch.
    /// The KV cache is fp16 (llama.cpp's default) unless <paramref name="exactCache"/> asks for fp32, as parity checks do.
    /// </summary>
    public LLamaContext CreateContext(int contextLength, int sequences = 1, bool exactCache = false)
    {
        int total = contextLength * sequences;
        var parameters = new ModelParams(Path)
        {
            ContextSize = (uint)total,
            BatchSize = (uint)total,
            UBatchSize = (uint)Math.Min(total, 512),
            SeqMax = (uint)sequences,
            Threads = Environment.ProcessorCount,
            BatchThreads = Environment.ProcessorCount,
        };
        if (exactCache)
        {
            parameters.TypeK = GGMLType.GGML_TYPE_F32;
            parameters.TypeV = GGMLType.GGML_TYPE_F32;
            parameters.FlashAttention = false;
        }
        var context = _weights.CreateContext(parameters);
        if (_adapter is { } adapter) context.NativeHandle.SetLoraAdapters([(adapter, AdapterScale)]);
        return context;
    }

    /// <summary>Token ids of <paramref name="text"/>; with <paramref name="parseSpecial"/>, "&lt;|im_end|&gt;"-style markers map to their ids.</summary>
    public IReadOnlyList<int> Tokenize(string text, bool addBos, bool parseSpecial = true) =>
        _weights.Tokenize(text, addBos, parseSpecial, System.Text.Encoding.UTF8).Select(t => (int)t).ToArray();

    /// <summary>The bytes one token stands for (special tokens render as their text only when <paramref name="special"/>).</summary>
    public byte[] TokenBytes(int id, bool special = false)
    {
        Span<byte> buffer = stackalloc byte[256];
        int n = NativeApi.llama_token_to_piece(_weights.Vocab, (LLamaToken)id, buffer, 0, special);
        return buffer[..Math.Max(n, 0)].ToArray();
    }

    /// <summary>
    /// Bytes of the longest token text in the vocabulary, special tokens included: no token covers more characters
    /// of a prompt than this (a character is at least one UTF-8 byte), which bounds prompt length before tokenizing.
    /// </summary>
    public int LongestTokenBytes()
    {
        Span<byte> buffer = stackalloc byte[256];
        var longest = 0;
        for (var id = 0; id < VocabSize; id++)
        {
            // A negative answer is the size a longer piece needs.
            var n = Math.Abs(NativeApi.llama_token_to_piece(_weights.Vocab, (LLamaToken)id, buffer, 0, true));
            longest = Math.Max(longest, n);
        }
        return longest;
    }

    /// <summary>True for tokens that end generation (eos, eot, end-of-turn markers).</summary>
    public bool IsEndOfGeneration(int id) => ((LLamaToken)id).IsEndOfGeneration(_weights.Vocab);

    /// <summary>
    /// Runs <paramref name="tokens"/> as one sequence from position 0 and returns the logits at every position
    /// ([position][vocab]), with an fp32 KV cache; used to compare llama.cpp with our TorchSharp model on the same weights.
    /// </summary>
    public float[][] EvaluateLogits(IReadOnlyList<int> tokens)
    {
        using var context = CreateContext(Math.Max(tokens.Count, 32), exactCache: true);
        var batch = new LLamaBatch();
        for (int i = 0; i < tokens.Count; i++) batch.Add(tokens[i], i, LLamaSeqId.Zero, logits: true);
        LlamaCppNative.Check(context.NativeHandle.Decode(batch), Path);
        var result = new float[tokens.Count][];
        for (int i = 0; i < tokens.Count; i++) result[i] = context.NativeHandle.GetLogitsIth(i).ToArray();
        return result;
    }

    public void Dispose() => _weights.Dispose();
}
