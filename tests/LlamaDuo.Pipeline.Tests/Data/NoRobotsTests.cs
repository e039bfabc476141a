using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;

namespace LlamaDuo.Pipeline.Tests.Data;

/// <summary>The paper's four coverage sets: HuggingFaceH4/no_robots by category (../shared/data/no_robots, see its README).</summary>
public class NoRobotsTests
{
    [Theory]
    [InlineData("Summarize", 395)]
    [InlineData("Classify", 334)]
    [InlineData("Coding", 334)]
    [InlineData("Closed_QA", 245)]
    public void Each_task_loads_with_the_readme_row_count_and_splits_cleanly(string category, int rows)
    {
        var path = Path.Combine(FindDataDir(), $"no_robots-{category}.jsonl");
        var data = new DataOptions { Path = path, Columns = new ColumnMapping { Id = "prompt_id" }, TestRatio = 0.06 };
        var set = CoverageLoader.Load(data);
        Assert.Equal(rows, set.Rows.Count);
        Assert.Equal(0, set.DuplicatesDropped);
        Assert.All(set.Rows, r => Assert.Equal(["user", "assistant"], r.Example.Messages.Select(m => m.Role)));
        Assert.Equal(rows, set.Rows.Select(r => r.Provenance.Line).Distinct().Count());
        Assert.Equal(64, set.Rows[0].Id.Length); // prompt_id is a sha256

        var split = DataSplitter.Split(set.Rows, data);
        Assert.Equal(rows, split.Train.Count + split.Test.Count);
        Assert.InRange(split.Test.Count, (int)Math.Round(rows * 0.06) - split.MovedToTrain.Count, (int)Math.Round(rows * 0.06));
        var trainPrompts = split.Train.Select(DataSplitter.PromptKey).ToHashSet();
        Assert.DoesNotContain(split.Test, r => trainPrompts.Contains(DataSplitter.PromptKey(r)));
        var reversed = DataSplitter.Split(set.Rows.Reverse().ToList(), data);
        Assert.Equal(split.Test.Select(r => r.Id).Order(), reversed.Test.Select(r => r.Id).Order());
    }

    /// <summary>The shared data folder sits next to the repository; walk up from the test binaries to find it.</summary>
    internal static string FindDataDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "no_robots");
            if (Directory.Exists(candidate)) return candidate;
            candidate = Path.Combine(dir.FullName, "..", "shared", "data", "no_robots");
            if (Directory.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        throw new DirectoryNotFoundException("../shared/data/no_robots not found above " + AppContext.BaseDirectory);
    }
}
