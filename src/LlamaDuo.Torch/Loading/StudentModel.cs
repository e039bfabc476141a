using LlamaDuo.Models.Model;
using LlamaDuo.Models.Templates;
using LlamaDuo.Models.Tokenizers;
using LlamaDuo.Torch.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Loading;

/// <summary>
/// A loaded student model: weights, tokenizer, chat template and where they came from. Disposing it frees the weights.
/// </summary>
public sealed class StudentModel : IExportableModel, IDisposable
{
    public StudentModel(LlamaConfig config, LlamaForCausalLM module, ITokenizer tokenizer, IChatTemplate template, string source,
        IReadOnlyList<int>? stopTokenIds = null)
    {
        Config = config;
        Module = module;
        Tokenizer = tokenizer;
        Template = template;
        Source = source;
        StopTokenIds = stopTokenIds is { Count: > 0 } ? stopTokenIds : [tokenizer.EosId];
    }

    public LlamaConfig Config { get; }

    /// <summary>The TorchSharp module (HF parameter names).</summary>
    public LlamaForCausalLM Module { get; }

    public ITokenizer Tokenizer { get; }

    /// <summary>How conversations are rendered for this model (plain text for base models such as stories15M).</summary>
    public IChatTemplate Template { get; }

    /// <summary>What was loaded: "stories15m", a .bin path or an HF folder.</summary>
    public string Source { get; }

    /// <summary>Token ids that end generation (eos, plus generation_config.json's eos ids for HF models).</summary>
    public IReadOnlyList<int> StopTokenIds { get; }

    /// <summary>Longest sequence (prompt + completion) the model supports.</summary>
    public int ContextLength => Config.MaxPositionEmbeddings;

    /// <summary>The module's parameters under their Hugging Face names, each read as fp32 when asked for.</summary>
    public IReadOnlyList<NamedWeight> NamedWeights() =>
        Module.state_dict()
            .Select(kv => new NamedWeight(kv.Key, kv.Value.shape, () => ReadFloats(kv.Value)))
            .ToList();

    static float[] ReadFloats(Tensor tensor)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return tensor.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
    }

    public void Dispose() => Module.Dispose();
}
