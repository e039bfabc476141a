using LlamaDuo.Models.Templates;
using LlamaDuo.Models.Tokenizers;

namespace LlamaDuo.Models.Model;

/// <summary>
/// A loaded model as an exporter sees it: config, tokenizer, chat template, stop tokens and its weights under Hugging
/// Face names. LlamaDuo.Torch's StudentModel implements it, so GGUF export needs no TorchSharp type.
/// </summary>
public interface IExportableModel
{
    LlamaConfig Config { get; }

    ITokenizer Tokenizer { get; }

    IChatTemplate Template { get; }

    /// <summary>What was loaded: "stories15m", a .bin path or an HF folder.</summary>
    string Source { get; }

    /// <summary>Token ids that end generation.</summary>
    IReadOnlyList<int> StopTokenIds { get; }

    /// <summary>Every parameter under its Hugging Face name; each is read as fp32 only when its <see cref="NamedWeight.Read"/> runs.</summary>
    IReadOnlyList<NamedWeight> NamedWeights();
}
