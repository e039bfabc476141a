namespace LlamaDuo.Pipeline.Data;

/// <summary>
/// Where a row came from. <see cref="Line"/> is the 1-based line in JSONL and CSV files (where the record starts) and
/// the 1-based row number in Parquet files. <see cref="Origin"/> is "coverage" for the user's dataset and "synthetic"
/// for rows the service LLM wrote; <see cref="Round"/> is the loop round that added the row (0 for coverage rows).
/// </summary>
public sealed record RowProvenance(string Source, int Line, string Origin = RowProvenance.Coverage, int Round = 0)
{
    public const string Coverage = "coverage";
    public const string Synthetic = "synthetic";
}
