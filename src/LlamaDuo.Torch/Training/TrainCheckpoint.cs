using System.Text.Json;
using LlamaDuo.Torch.Lora;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Training;

/// <summary>Where a run stands after a step: enough, with the weights and optimizer state, to continue exactly.</summary>
internal sealed record CheckpointState
{
    public int Version { get; init; } = 1;
    public required SortedDictionary<string, string> Fingerprint { get; init; }
    /// <summary>Optimiser steps completed.</summary>
    public int Step { get; init; }
    /// <summary>Data position: the next step's epoch and its first batch in that epoch's order (LengthBuckets, seeded by seed and epoch).</summary>
    public int Epoch { get; init; }
    public int NextBatch { get; init; }
    /// <summary>Randomness: the adapters' dropout generator is re-seeded with seed * 1000003 + step before each step, so the step number restores it.</summary>
    public string Rng { get; init; } = "dropout generator seeded with seed * 1000003 + step";
    public long Tokens { get; init; }
    public double TrainSeconds { get; init; }
    public List<LossPoint> LossHistory { get; init; } = [];
    public List<EvalPoint> EvalHistory { get; init; } = [];
}

/// <summary>
/// Checkpoints under <c>OUT/checkpoints/step-NNNNNNNN/</c>: trainable.safetensors (the trained tensors by parameter
/// name, fp32), optimizer.bin (AdamW moments and step counts), state.json (<see cref="CheckpointState"/>), and
/// <c>OUT/checkpoints/latest</c> naming the newest. Each folder is written beside its final name and renamed into place,
/// and <c>latest</c> is replaced by rename, so a kill at any moment leaves the previous checkpoint intact.
/// </summary>
internal static class TrainCheckpoint
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string Root(string outDir) => Path.Combine(outDir, "checkpoints");

    /// <summary>Writes a checkpoint, points <c>latest</c> at it and prunes all but the newest <paramref name="keep"/>.</summary>
    public static string Save(string outDir, IReadOnlyList<(string Name, Parameter Param)> trainable, OptimizerHelper optimizer,
        CheckpointState state, int keep)
    {
        var root = Root(outDir);
        var name = $"step-{state.Step:D8}";
        AtomicFolder.Write(Path.Combine(root, name), staging =>
        {
            SafetensorsFile.Write(Path.Combine(staging, "trainable.safetensors"),
                trainable.ToDictionary(t => t.Name, t => (Tensor)t.Param));
            using (var stream = File.Create(Path.Combine(staging, "optimizer.bin")))
            using (var writer = new BinaryWriter(stream))
                optimizer.save_state_dict(writer);
            File.WriteAllText(Path.Combine(staging, "state.json"), JsonSerializer.Serialize(state, Json));
        });
        AtomicFolder.WriteFile(Path.Combine(root, "latest"), name);
        foreach (var old in Directory.GetDirectories(root, "step-*").Order(StringComparer.Ordinal).SkipLast(keep))
            Directory.Delete(old, recursive: true);
        return Path.Combine(root, name);
    }

    /// <summary>The newest complete checkpoint folder, or null when the run has none.</summary>
    public static string? Latest(string outDir)
    {
        var pointer = Path.Combine(Root(outDir), "latest");
        if (!File.Exists(pointer)) return null;
        var dir = Path.Combine(Root(outDir), File.ReadAllText(pointer).Trim());
        return File.Exists(Path.Combine(dir, "state.json")) ? dir : null;
    }

    public static CheckpointState ReadState(string dir) =>
        JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(Path.Combine(dir, "state.json")), Json)
        ?? throw new Core.Errors.InputException("empty checkpoint state", Path.Combine(dir, "state.json"));

    /// <summary>Copies the saved tensors into <paramref name="trainable"/> and restores the optimizer.</summary>
    public static void Restore(string dir, IReadOnlyList<(string Name, Parameter Param)> trainable, OptimizerHelper optimizer)
    {
        var path = Path.Combine(dir, "trainable.safetensors");
        var saved = SafetensorsFile.Read(path);
        try
        {
            using (no_grad())
                foreach (var (name, p) in trainable)
                {
                    if (!saved.TryGetValue(name, out var t) || !t.shape.SequenceEqual(p.shape))
                        throw new Core.Errors.InputException("checkpoint does not hold this parameter (or its shape differs)", path, field: name);
                    p.copy_(t);
                }
        }
        finally
        {
            foreach (var t in saved.Values) t.Dispose();
        }
        using var stream = File.OpenRead(Path.Combine(dir, "optimizer.bin"));
        using var reader = new BinaryReader(stream);
        optimizer.load_state_dict(reader);
    }
}
