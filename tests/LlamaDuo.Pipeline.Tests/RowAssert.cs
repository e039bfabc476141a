using LlamaDuo.Pipeline.Data;

namespace LlamaDuo.Pipeline.Tests;

/// <summary>Row equality by value (ChatExample holds a list, which records compare by reference).</summary>
public static class RowAssert
{
    public static void Same(IReadOnlyList<CoverageRow> expected, IReadOnlyList<CoverageRow> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Id, actual[i].Id);
            Assert.Equal(expected[i].Provenance, actual[i].Provenance);
            Assert.Equal(expected[i].Example.Messages, actual[i].Example.Messages);
        }
    }
}
