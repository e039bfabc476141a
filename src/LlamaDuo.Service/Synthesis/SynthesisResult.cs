namespace LlamaDuo.Service.Synthesis;

/// <summary>The rows a synthesis stage produced (batch order), its diagnostics and the number of calls made.</summary>
public sealed record SynthesisResult(IReadOnlyList<SyntheticRow> Rows, IReadOnlyList<SynthesisDiagnostic> Diagnostics, int Calls);
