using LlamaDuo.Core.Data;
using LlamaDuo.Core.Errors;
using LlamaDuo.Pipeline.Config;
using LlamaDuo.Pipeline.Data;

namespace LlamaDuo.Pipeline.Tests.Data;

public class DataSplitterTests
{
    static CoverageRow Row(int i, string? prompt = null) =>
        new(ChatExample.FromPair($"r{i}", prompt ?? $"Question number {i}?", $"Answer {i}."), new RowProvenance("d.jsonl", i + 1));

    static readonly DataOptions Options = new() { Path = "d.jsonl", TestRatio = 0.2, MinTrainRows = 1, MinTestRows = 1 };

    [Fact]
    public void Split_is_seeded_by_ratio_and_independent_of_row_order()
    {
        var rows = Enumerable.Range(0, 100).Select(i => Row(i)).ToList();
        var a = DataSplitter.Split(rows, Options);
        var shuffled = DataSplitter.Split(rows.OrderBy(r => r.Id.GetHashCode()).Reverse().ToList(), Options);
        var otherSeed = DataSplitter.Split(rows, Options with { SplitSeed = 7 });
        Assert.Equal(20, a.Test.Count);
        Assert.Equal(80, a.Train.Count);
        Assert.Equal(a.Test.Select(r => r.Id).Order(), shuffled.Test.Select(r => r.Id).Order());
        Assert.NotEqual(a.Test.Select(r => r.Id).Order(), otherSeed.Test.Select(r => r.Id).Order());
        Assert.Empty(a.Train.Select(r => r.Id).Intersect(a.Test.Select(r => r.Id)));
    }

    [Fact]
    public void Test_rows_repeating_a_train_prompt_after_normalisation_are_moved_to_train()
    {
        var rows = Enumerable.Range(0, 40).Select(i => Row(i, i % 2 == 0 ? $"Question {i / 2}!" : $"  question {i / 2} ?")).ToList();
        var split = DataSplitter.Split(rows, Options with { TestRatio = 0.25 });
        var trainPrompts = split.Train.Select(DataSplitter.PromptKey).ToHashSet();
        Assert.DoesNotContain(split.Test, r => trainPrompts.Contains(DataSplitter.PromptKey(r)));
        Assert.NotEmpty(split.MovedToTrain);
        Assert.Equal(40, split.Train.Count + split.Test.Count);
        Assert.Equal(10 - split.MovedToTrain.Count, split.Test.Count);
    }

    [Fact]
    public void Too_small_splits_are_errors_that_say_what_to_change()
    {
        var rows = Enumerable.Range(0, 10).Select(i => Row(i)).ToList();
        var test = Assert.Throws<InputException>(() => DataSplitter.Split(rows, Options with { MinTestRows = 5 }));
        Assert.Equal("data.test_ratio", test.Field);
        Assert.Contains("min_test_rows is 5", test.Message);
        var train = Assert.Throws<InputException>(() => DataSplitter.Split(rows, Options with { TestRatio = 0.9, MinTrainRows = 2 }));
        Assert.Contains("train split has 1 rows", train.Message);
        Assert.Throws<InputException>(() => DataSplitter.Split([], Options));
    }

    [Fact]
    public void Normalise_folds_case_punctuation_and_spacing()
    {
        Assert.Equal("hello world 42", DataSplitter.Normalise("  Hello,\tWORLD!!  42. "));
    }
}
