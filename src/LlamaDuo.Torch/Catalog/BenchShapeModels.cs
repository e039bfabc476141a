using LlamaDuo.Models.Catalog;
using LlamaDuo.Models.Templates;
using LlamaDuo.Models.Tokenizers;
using LlamaDuo.Torch.Loading;
using LlamaDuo.Torch.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Catalog;

/// <summary>
/// The <see cref="BenchShapes"/> catalog's shapes as TorchSharp models with random N(0, 0.02) weights (TorchSharp's
/// default kaiming init ran ~3x slower at the same shapes, so it would bias every timing).
/// </summary>
public static class BenchShapeModels
{
    /// <summary>
    /// Builds the shape's model with weights N(0, 0.02) from <paramref name="seed"/> (norm weights 1), in
    /// <paramref name="dtype"/>, with its tokenizer and chat template.
    /// </summary>
    public static StudentModel Load(BenchShape shape, ScalarType dtype = ScalarType.Float32, long seed = 0, TextWriter? log = null)
    {
        var folder = BenchShapes.TokenizerFolder(shape, log);
        var tokenizer = HfTokenizer.Load(folder);
        var template = ChatTemplates.ByName(shape.Template);
        var module = new LlamaForCausalLM(shape.Config);
        module.InitRandom(seed);
        if (dtype != ScalarType.Float32) module.to(dtype);
        var stops = shape.Config.EosTokenIds.Append(tokenizer.EosId).Distinct().ToArray();
        return new StudentModel(shape.Config, module, tokenizer, template, shape.ModelName, stops);
    }
}
