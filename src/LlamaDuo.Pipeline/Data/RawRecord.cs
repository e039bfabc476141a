using System.Text.Json.Nodes;

namespace LlamaDuo.Pipeline.Data;

/// <summary>One record as a reader found it, before column mapping: its fields as JSON, and where it was.</summary>
internal sealed record RawRecord(JsonObject Fields, string Source, int Line);
