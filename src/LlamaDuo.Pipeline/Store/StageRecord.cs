namespace LlamaDuo.Pipeline.Store;

/// <summary>One stage of one round as run.db has it. <see cref="Outputs"/> are paths relative to the run folder.</summary>
public sealed record StageRecord(int Round, string Name, StageStatus Status, DateTimeOffset? Started, DateTimeOffset? Ended,
    IReadOnlyList<string> Outputs, string? Error, int Attempts);
