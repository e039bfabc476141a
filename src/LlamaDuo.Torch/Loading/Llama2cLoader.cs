using System.Runtime.InteropServices;
using LlamaDuo.Core.Errors;
using LlamaDuo.Models.Model;
using LlamaDuo.Models.Templates;
using LlamaDuo.Models.Tokenizers;
using LlamaDuo.Torch.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Loading;

/// <summary>
/// Reads a llama2.c checkpoint (.bin): a header of 7 int32 (dim, hidden_dim, n_layers, n_heads, n_kv_heads,
/// vocab_size, seq_len; a negative vocab_size means the classifier is stored separately), then fp32 tensors laid out
/// [out][in] in the order token_embedding, rms_att, wq, wk, wv, wo, rms_ffn, w1 (gate), w2 (down), w3 (up),
/// rms_final, freq_cis real and imag (unused: we compute RoPE), and wcls when not shared.
/// </summary>
internal static class Llama2cLoader
{
    private const int HeaderBytes = 7 * sizeof(int);

    /// <summary>The model's shape from the header, as a Llama config (theta 10^4, eps 1e-5, Llama 2 style).</summary>
    public static LlamaConfig ReadConfig(string binPath) => ReadHeader(binPath).Config;

    /// <summary>
    /// Loads weights and tokenizer; <paramref name="dtype"/> is Float32 or BFloat16. The template is plain text (the
    /// format has none) unless <paramref name="templateName"/> names another.
    /// </summary>
    public static StudentModel Load(string binPath, string tokenizerPath, ScalarType dtype = ScalarType.Float32, string? source = null,
        string? templateName = null)
    {
        var (config, shared) = ReadHeader(binPath);
        var tokenizer = Llama2cTokenizer.Load(tokenizerPath, config.VocabSize);
        var model = LoadWeights(binPath, config, shared, dtype);
        // llama2.c models were trained with BOS (1) between stories and never saw EOS (2): its embedding row is
        // untrained, so with a tied, frozen head a reply can only learn to end on BOS. BOS comes first: the trainer
        // appends StopTokenIds[0] after each reply, and generation stops on either.
        return new StudentModel(config, model, tokenizer, string.IsNullOrWhiteSpace(templateName) ? ChatTemplates.Plain : ChatTemplates.ByName(templateName),
            source ?? binPath, tokenizer.BosId is { } bos && bos != tokenizer.EosId ? [bos, tokenizer.EosId] : null);
    }

    private static (LlamaConfig Config, bool Shared) ReadHeader(string path)
    {
        if (!File.Exists(path)) throw new InputException("model file not found", path);
        var header = new int[7];
        using (var stream = File.OpenRead(path))
        {
            var bytes = new byte[HeaderBytes];
            if (stream.ReadAtLeast(bytes, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes)
                throw new InputException("truncated llama2.c model: shorter than its 28-byte header", path);
            MemoryMarshal.Cast<byte, int>(bytes).CopyTo(header);
        }
        var config = new LlamaConfig
        {
            ModelType = "llama", HiddenSize = header[0], IntermediateSize = header[1], NumHiddenLayers = header[2],
            NumAttentionHeads = header[3], NumKeyValueHeads = header[4], VocabSize = Math.Abs(header[5]),
            MaxPositionEmbeddings = header[6], RmsNormEps = 1e-5, RopeTheta = 10000, TieWordEmbeddings = header[5] > 0,
            BosTokenId = 1, EosTokenIds = [2],
        };
        try { config.Validate(path); }
        catch (InputException e) { throw new InputException($"not a llama2.c model header ({e.Message})", path, inner: e); }
        return (config, header[5] > 0);
    }

    private static LlamaForCausalLM LoadWeights(string path, LlamaConfig c, bool shared, ScalarType dtype)
    {
        long dim = c.HiddenSize, hidden = c.IntermediateSize, layers = c.NumHiddenLayers, vocab = c.VocabSize, kvDim = c.KvDim;
        long headSize = c.HeadDim, seqLen = c.MaxPositionEmbeddings;
        var floats = vocab * dim + layers * (2 * dim + 2 * dim * dim + 2 * kvDim * dim + 3 * dim * hidden) + dim
            + seqLen * headSize + (shared ? 0 : vocab * dim);
        var expected = HeaderBytes + floats * sizeof(float);
        var actual = new FileInfo(path).Length;
        if (actual < expected)
            throw new InputException($"truncated llama2.c model: {actual} bytes, the header implies {expected}", path);

        var data = File.ReadAllBytes(path);
        long offset = HeaderBytes;
        Tensor Next(params long[] shape)
        {
            var count = shape.Aggregate(1L, (a, b) => a * b);
            var values = MemoryMarshal.Cast<byte, float>(data.AsSpan((int)offset, (int)(count * sizeof(float)))).ToArray();
            offset += count * sizeof(float);
            return tensor(values, shape);
        }

        var model = new LlamaForCausalLM(c);
        var p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        void Put(string name, Tensor t) { using (t) WeightAssign.Copy(p, name, t, path); }
        void PerLayer(string suffix, Tensor stacked, Func<Tensor, Tensor>? transform = null)
        {
            using (stacked)
                for (var i = 0; i < layers; i++)
                {
                    using var w = stacked[i];
                    Put($"model.layers.{i}.{suffix}", transform is null ? w.alias() : transform(w));
                }
        }

        Put("model.embed_tokens.weight", Next(vocab, dim));
        PerLayer("input_layernorm.weight", Next(layers, dim));
        PerLayer("self_attn.q_proj.weight", Next(layers, dim, dim), w => InterleavedToHalves(w, c.NumAttentionHeads));
        PerLayer("self_attn.k_proj.weight", Next(layers, kvDim, dim), w => InterleavedToHalves(w, c.NumKeyValueHeads));
        PerLayer("self_attn.v_proj.weight", Next(layers, kvDim, dim));
        PerLayer("self_attn.o_proj.weight", Next(layers, dim, dim));
        PerLayer("post_attention_layernorm.weight", Next(layers, dim));
        PerLayer("mlp.gate_proj.weight", Next(layers, hidden, dim));
        PerLayer("mlp.down_proj.weight", Next(layers, dim, hidden));
        PerLayer("mlp.up_proj.weight", Next(layers, hidden, dim));
        Put("model.norm.weight", Next(dim));
        offset += seqLen * headSize * sizeof(float); // freq_cis_real and freq_cis_imag, seq_len * head_size / 2 each
        if (!shared) Put("lm_head.weight", Next(vocab, dim));
        return dtype == ScalarType.Float32 ? model : model.to(dtype);
    }

    /// <summary>
    /// llama2.c rotates interleaved pairs (row 2j with 2j+1 inside each head); our RoPE rotates halves (row j with
    /// j + D/2). Reordering each head's rows as [even rows..., odd rows...] makes the two computations identical.
    /// </summary>
    public static Tensor InterleavedToHalves(Tensor w, int heads)
    {
        long rows = w.shape[0], cols = w.shape[1], headDim = rows / heads;
        using var v = w.view(heads, headDim / 2, 2, cols);     // [H, D/2, 2, in]: pair j, member 0/1
        using var t = v.transpose(1, 2);                       // [H, 2, D/2, in]: evens first, then odds
        return t.reshape(rows, cols);                          // [H*D, in]
    }
}
