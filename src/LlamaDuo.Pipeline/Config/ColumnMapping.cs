namespace LlamaDuo.Pipeline.Config;

/// <summary>
/// The <c>data.columns</c> section: which fields of a row hold the conversation. A row with the messages field is read
/// as chat messages; otherwise the prompt and response fields are required.
/// </summary>
public sealed record ColumnMapping
{
    /// <summary>Field holding a list of {role, content} messages (JSON text in CSV).</summary>
    public string Messages { get; init; } = "messages";

    /// <summary>Field holding the instruction, when the row has no messages field.</summary>
    public string Prompt { get; init; } = "prompt";

    /// <summary>Field holding the reference answer, when the row has no messages field.</summary>
    public string Response { get; init; } = "response";

    /// <summary>Optional field holding a per-row system prompt.</summary>
    public string? System { get; init; }

    /// <summary>Field holding a stable row id; rows without it get the sha256 of their content.</summary>
    public string Id { get; init; } = "id";
}
