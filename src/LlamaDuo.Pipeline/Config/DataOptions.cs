namespace LlamaDuo.Pipeline.Config;

/// <summary>The <c>data</c> section: the coverage dataset and how it is split into train and test.</summary>
public sealed record DataOptions
{
    /// <summary>File or folder of the coverage dataset; relative paths are resolved against the config file.</summary>
    public string Path { get; init; } = "";

    /// <summary>Storage format; auto picks by extension (.jsonl, .csv, .parquet) or a folder (hf).</summary>
    public DataFormat Format { get; init; } = DataFormat.Auto;

    /// <summary>Which fields hold the conversation and the id.</summary>
    public ColumnMapping Columns { get; init; } = new();

    /// <summary>Share of rows held out for testing (never trained on, never used as synthesis seeds).</summary>
    public double TestRatio { get; init; } = 0.1;

    /// <summary>Seed of the deterministic train/test split.</summary>
    public int SplitSeed { get; init; } = 42;

    /// <summary>Fewer train rows than this is an error.</summary>
    public int MinTrainRows { get; init; } = 8;

    /// <summary>Fewer test rows than this is an error.</summary>
    public int MinTestRows { get; init; } = 4;

    /// <summary>Bytes that are not UTF-8 in a text file (JSONL, CSV): strict (an error naming file and line) or replace (read as U+FFFD).</summary>
    public string EncodingErrors { get; init; } = "strict";
}
