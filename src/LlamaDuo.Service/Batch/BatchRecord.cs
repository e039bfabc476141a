using System.Text.Json.Serialization;

namespace LlamaDuo.Service.Batch;

/// <summary>
/// One provider batch as the journal keeps it, so a restarted process can find a batch it already paid for.
/// <see cref="CustomIds"/> are the requests' cache keys (64 hex digits), which is how a rerun of the same stage
/// recognises its own requests. <see cref="Status"/> is one of <see cref="BatchStatuses"/>.
/// </summary>
public sealed record BatchRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("custom_ids")] IReadOnlyList<string> CustomIds,
    [property: JsonPropertyName("created")] DateTimeOffset Created,
    [property: JsonPropertyName("ended")] DateTimeOffset? Ended,
    [property: JsonPropertyName("detail")] string? Detail)
{
    /// <summary>True until every result was handed out (consumed) or the batch was given up (abandoned).</summary>
    [JsonIgnore]
    public bool IsOpen => Status is not (BatchStatuses.Consumed or BatchStatuses.Abandoned);
}
