namespace LlamaDuo.Pipeline.Data;

/// <summary>The rows read from the coverage dataset, and how many exact duplicates (same id, same content) were dropped.</summary>
internal sealed record CoverageSet(IReadOnlyList<CoverageRow> Rows, int DuplicatesDropped);
