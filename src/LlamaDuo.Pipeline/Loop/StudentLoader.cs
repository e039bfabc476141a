using LlamaDuo.Pipeline.Config;
using LlamaDuo.Torch.Loading;
using LlamaDuo.Torch.Lora;
using TorchSharp;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>
/// Materialises the config's student in TorchSharp, for every engine and stage that needs it: the base (training,
/// llama.cpp's base.gguf), the base with a round's weights on top (the torch engine, the llama.cpp logit check), or
/// those weights merged (what the export formats write).
/// </summary>
internal static class StudentLoader
{
    public static StudentModel Base(LlamaDuoConfig config) =>
        ModelLoader.Load(config.Student.Model, torch.ScalarType.Float32, config.Student.Template);

    /// <summary>The base plus a round's output: a PEFT adapter folder (LoRA) or a full Hugging Face folder.</summary>
    public static StudentModel Trained(LlamaDuoConfig config, TrainedWeights weights)
    {
        if (weights.ModelDir is { } full) return ModelLoader.Load(full, torch.ScalarType.Float32, config.Student.Template);
        var student = Base(config);
        if (weights.AdapterDir is { } adapter) LoraModel.LoadAdapter(student.Module, adapter);
        student.Module.eval();
        return student;
    }

    /// <summary>The base plus a round's output with a LoRA adapter merged into the weights: what the export formats write.</summary>
    public static StudentModel Merged(LlamaDuoConfig config, TrainedWeights weights)
    {
        var student = Trained(config, weights);
        if (weights.AdapterDir is not null) LoraModel.Merge(student.Module);
        return student;
    }
}
