namespace LlamaDuo.Pipeline.Store;

/// <summary>A row of the rows table: which split it is in, where it came from, and the round that added it.</summary>
public sealed record StoredRow(string Id, string Split, string Origin, int RoundAdded, string Source, string ProvenanceJson);
