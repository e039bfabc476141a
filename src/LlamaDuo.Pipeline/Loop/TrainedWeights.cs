using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Store;
using LlamaDuo.Torch.Training;

namespace LlamaDuo.Pipeline.Loop;

/// <summary>Where one round's training put its result: an adapter (LoRA) or a whole model (full fine-tuning).</summary>
public sealed record TrainedWeights(string? AdapterDir, string? ModelDir)
{
    /// <summary>Where round <paramref name="round"/>'s training writes: round-NN/train/.</summary>
    public static string OutDir(RunFolder folder, int round) => folder.RoundFile(round, "train");

    /// <summary>The weights round <paramref name="round"/>'s finished training left.</summary>
    public static TrainedWeights Read(RunFolder folder, int round) => Read(OutDir(folder, round));

    /// <summary>The weights a finished training left in <paramref name="outDir"/>: outDir/adapter (LoRA) or outDir/model (full).</summary>
    public static TrainedWeights Read(string outDir)
    {
        if (!File.Exists(Path.Combine(outDir, TrainRunFolder.ResultFile)))
            throw new InputException("training result is missing; rerun with --resume", outDir);
        string adapter = Path.Combine(outDir, "adapter"), model = Path.Combine(outDir, "model");
        return new TrainedWeights(Directory.Exists(adapter) ? adapter : null, Directory.Exists(model) ? model : null);
    }
}
