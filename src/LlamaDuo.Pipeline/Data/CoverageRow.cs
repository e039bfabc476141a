using LlamaDuo.Core.Data;

namespace LlamaDuo.Pipeline.Data;

/// <summary>One example of the coverage (or synthetic) dataset with its provenance.</summary>
public sealed record CoverageRow(ChatExample Example, RowProvenance Provenance)
{
    /// <summary>Stable row id: the dataset's id column, else a content hash.</summary>
    public string Id => Example.Id;
}
