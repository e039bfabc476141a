using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;
using LlamaDuo.Pipeline.Runs;
using LlamaDuo.Pipeline.Store;

namespace LlamaDuo.Pipeline.Tests.Data;

public class IngestStageTests
{
    [Fact]
    public void Ingest_writes_the_split_records_rows_and_is_skipped_on_resume()
    {
        using var dir = new TempDir();
        var source = Path.Combine(NoRobotsTests.FindDataDir(), "no_robots-Closed_QA.jsonl");
        var config = LlamaDuoConfig.Parse($"task: {{name: closed_qa}}\ndata: {{path: \"{source}\", columns: {{id: prompt_id}}, test_ratio: 0.06}}\n");
        var runDir = Path.Combine(dir.Path, "runs", "r1");

        TrainTestSplit first;
        using (var store = RunSetup.CreateOrOpen(config, runDir))
        {
            first = IngestStage.Run(config, store);
            Assert.Equal(first.Train.Count, store.RowsIn(RunStore.TrainSplit).Count);
            Assert.Equal(first.Test.Count, store.RowsIn(RunStore.TestSplit).Count);
            Assert.True(store.IsStageDone(0, "ingest"));
        }
        var folder = new RunFolder(runDir);
        Assert.True(File.Exists(folder.ConfigPath));
        Assert.Equal(source, LlamaDuoConfig.Load(folder.ConfigPath).Data.Path);
        Assert.Equal(first.Train.Count, File.ReadLines(folder.TrainPath).Count());

        // The source changing after the run started does not change the run's split.
        using (var store = RunSetup.CreateOrOpen(config with { Data = config.Data with { SplitSeed = 99 } }, runDir))
        {
            var resumed = IngestStage.Run(config, store);
            RowAssert.Same(first.Test, resumed.Test);
            RowAssert.Same(first.Train, resumed.Train);
            Assert.Equal(1, store.GetStage(0, "ingest")!.Attempts);
        }
    }
}
