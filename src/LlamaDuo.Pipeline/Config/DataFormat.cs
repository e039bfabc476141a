using System.Runtime.Serialization;

namespace LlamaDuo.Pipeline.Config;

/// <summary>How the coverage dataset is stored. <see cref="Auto"/> picks by file extension or folder layout.</summary>
public enum DataFormat
{
    [EnumMember(Value = "auto")] Auto,
    [EnumMember(Value = "jsonl")] Jsonl,
    [EnumMember(Value = "csv")] Csv,
    [EnumMember(Value = "parquet")] Parquet,
    /// <summary>A Hugging Face datasets folder holding data/*.parquet or data/*.jsonl files.</summary>
    [EnumMember(Value = "hf")] Hf,
}
