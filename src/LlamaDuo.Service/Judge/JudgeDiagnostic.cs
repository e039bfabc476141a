namespace LlamaDuo.Service.Judge;

/// <summary>
/// Something that went wrong while judging a row, recorded as data rather than thrown: a reply that never parsed,
/// a call that failed, a round skipped. <see cref="Round"/> is null for row-level problems.
/// </summary>
public sealed record JudgeDiagnostic(int? Round, string Message);
