using System.Text.Json;
using LlamaDuo.Core.Errors;
using LlamaDuo.Torch.Lora;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// The output folder of a training run: train_run.json (the run's fingerprint, written first), checkpoints/,
/// adapter/ (LoRA) or model/ (full), and train_result.json at the end. A folder that already holds a run is never
/// reused without --resume, and a resume whose fingerprint differs is refused before anything is written.
/// </summary>
public static class TrainRunFolder
{
    public const string RunFile = "train_run.json";
    public const string ResultFile = "train_result.json";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>
    /// Checks <paramref name="outDir"/> for this run and returns the checkpoint to resume from (null: start at step 0).
    /// A fresh run writes train_run.json; --resume on a folder without a run also starts fresh.
    /// </summary>
    public static string? Prepare(string outDir, bool resume, SortedDictionary<string, string> fingerprint)
    {
        var runFile = Path.Combine(outDir, RunFile);
        var hasRun = File.Exists(runFile) || Directory.Exists(TrainCheckpoint.Root(outDir)) || File.Exists(Path.Combine(outDir, ResultFile));
        if (hasRun && !resume)
            throw new InputException("output folder already holds a training run; pass --resume to continue it, or choose another --out", outDir);
        if (!hasRun)
        {
            Directory.CreateDirectory(outDir);
            AtomicFolder.WriteFile(runFile, JsonSerializer.Serialize(fingerprint, Json));
            return null;
        }
        if (!File.Exists(runFile)) throw new InputException($"cannot resume: {RunFile} is missing, so this folder's run cannot be checked; choose another --out", outDir);
        var saved = JsonSerializer.Deserialize<SortedDictionary<string, string>>(File.ReadAllText(runFile))
            ?? throw new InputException("cannot resume: empty run file", runFile);
        TrainFingerprint.Check(saved, fingerprint, runFile);
        var latest = TrainCheckpoint.Latest(outDir);
        if (latest is not null) TrainFingerprint.Check(TrainCheckpoint.ReadState(latest).Fingerprint, fingerprint, latest);
        return latest;
    }
}
