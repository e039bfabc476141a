namespace LlamaDuo.Pipeline.Store;

/// <summary>The run row of run.db.</summary>
public sealed record RunInfo(string Id, string Task, DateTimeOffset Created, DateTimeOffset Updated, string Status, string? Message);
