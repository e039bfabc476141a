using System.Text.Json.Serialization;

namespace LlamaDuo.Service.Ledger;

/// <summary>
/// One service call as the ledger records it (one JSON line). <see cref="Attempts"/> counts HTTP requests made,
/// 0 for a cache hit. <see cref="Dollars"/> is null when the model has no price; 0 for a cache hit. <see cref="Batch"/>
/// is the provider batch that answered the call (priced at the batch price), null for a synchronous call; lines
/// written before it existed read back as null. <see cref="Id"/> is the id <see cref="CallLedger.NewCallId"/> gave the call
/// before its request went out, so an observer that saw it start can match its end (null in lines from before ids).
/// </summary>
public sealed record LedgerEntry(
    [property: JsonPropertyName("time")] DateTimeOffset Time,
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("input_tokens")] long InputTokens,
    [property: JsonPropertyName("output_tokens")] long OutputTokens,
    [property: JsonPropertyName("dollars")] decimal? Dollars,
    [property: JsonPropertyName("cache_hit")] bool CacheHit,
    [property: JsonPropertyName("latency_ms")] double LatencyMs,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("ok")] bool Ok,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("batch"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Batch = null,
    [property: JsonPropertyName("id"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id = null);
