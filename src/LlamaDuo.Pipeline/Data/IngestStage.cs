using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Loop;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Data;

/// <summary>
/// The loop's first stage: read the coverage dataset, split it, write data/train.jsonl and data/test.jsonl
/// atomically and record the rows in run.db. Once done, a resumed run reads the split back from the run folder
/// (the dataset file may have changed since; the run keeps the rows it started with).
/// </summary>
internal static class IngestStage
{
    /// <summary>Stage name in run.db (round 0).</summary>
    static readonly string Name = LoopStage.Ingest.Name();

    public static TrainTestSplit Run(LlamaDuoConfig config, RunStore store)
    {
        var folder = store.Folder;
        if (store.IsStageDone(0, Name))
            return new TrainTestSplit(DatasetFile.Read(folder.TrainPath), DatasetFile.Read(folder.TestPath), []);

        store.TryStartStage(0, Name);
        var coverage = CoverageLoader.Load(config.Data);
        var split = DataSplitter.Split(coverage.Rows, config.Data);
        DatasetFile.Write(folder.TrainPath, split.Train);
        DatasetFile.Write(folder.TestPath, split.Test);
        store.AddRows(RunStore.TrainSplit, split.Train);
        store.AddRows(RunStore.TestSplit, split.Test);
        store.CompleteStage(0, Name, ["data/train.jsonl", "data/test.jsonl"]);
        return split;
    }
}
