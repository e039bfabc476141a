namespace LlamaDuo.Service.Judge;

/// <summary>
/// The verdict on one <see cref="JudgeItem"/>: the rounds that were run, the row scores (mean over the rounds that
/// succeeded; null when none did) and any diagnostics. A row with no scores is "diagnosed", not an error.
/// </summary>
public sealed record JudgedRow(
    JudgeItem Item,
    string JudgeName,
    IReadOnlyList<JudgeCall> Calls,
    double? Similarity,
    double? Precision,
    IReadOnlyList<JudgeDiagnostic> Diagnostics)
{
    /// <summary>True when at least one round gave scores.</summary>
    public bool Scored => Similarity is not null && Precision is not null;

    /// <summary>Builds a row from its rounds: the row score is the mean over the rounds that succeeded.</summary>
    public static JudgedRow FromCalls(JudgeItem item, string judgeName, IReadOnlyList<JudgeCall> calls, IEnumerable<JudgeDiagnostic>? extra = null)
    {
        var ok = calls.Where(c => c.Scores is not null).Select(c => c.Scores!).ToList();
        var diagnostics = calls.Where(c => c.Error is not null)
            .Select(c => new JudgeDiagnostic(c.Round, $"round {c.Round} failed after {c.Attempts} attempt(s): {c.Error}"))
            .Concat(calls.Where(c => c.Error is null).SelectMany(c => c.Diagnostics.Select(d => new JudgeDiagnostic(c.Round, $"round {c.Round} re-asked: {d}"))))
            .Concat(extra ?? [])
            .ToList();
        if (ok.Count == 0) diagnostics.Add(new JudgeDiagnostic(null, $"no round of {calls.Count} produced scores; row left unscored"));
        return new JudgedRow(item, judgeName, calls,
            ok.Count == 0 ? null : ok.Average(s => s.Similarity),
            ok.Count == 0 ? null : ok.Average(s => s.Precision),
            diagnostics);
    }
}
