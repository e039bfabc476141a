using System.Text.Json.Serialization;

namespace LlamaDuo.Service.Dedup;

/// <summary>Why a synthetic row was kept or dropped (serialised by name, so dedup.jsonl reads "NearDuplicate", not 3).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DedupReason>))]
public enum DedupReason
{
    Kept,
    /// <summary>Normalises to no words at all.</summary>
    Empty,
    /// <summary>Same normalised text as an earlier kept synthetic row.</summary>
    ExactDuplicate,
    /// <summary>Near duplicate (MinHash LSH candidate confirmed by ROUGE-L) of an earlier kept synthetic row.</summary>
    NearDuplicate,
    /// <summary>Same normalised text as a train row.</summary>
    DuplicatesTrain,
    /// <summary>Near duplicate of a train row.</summary>
    NearDuplicatesTrain,
    /// <summary>Equal to, or sharing too many n-grams with, a test row.</summary>
    ContaminatesTest,
}
