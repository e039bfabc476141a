namespace LlamaDuo.Service.Judge;

/// <summary>
/// A judged run: every row (scored or diagnosed, in input order), both metric summaries over the scored rows, and the
/// pass decision. Written to judgements.jsonl / the run store by the loop.
/// </summary>
public sealed record JudgeRunResult(
    string JudgeName,
    IReadOnlyList<JudgedRow> Rows,
    ScoreSummary Similarity,
    ScoreSummary Precision,
    PassDecision Decision)
{
    /// <summary>Rows that produced no scores.</summary>
    public int UnscoredRows => Rows.Count(r => !r.Scored);

    /// <summary>Total judge calls made (rounds times attempts).</summary>
    public int Calls => Rows.Sum(r => r.Calls.Sum(c => c.Attempts));

    /// <summary>Builds the summaries and the decision from judged rows.</summary>
    public static JudgeRunResult From(string judgeName, IReadOnlyList<JudgedRow> rows, JudgeRunOptions options)
    {
        var scored = rows.Where(r => r.Scored).ToList();
        var similarity = ScoreSummary.From(scored.Select(r => r.Similarity!.Value), options.PassRule.CoverageThreshold);
        var precision = ScoreSummary.From(scored.Select(r => r.Precision!.Value), options.PassRule.CoverageThreshold);
        var decision = options.PassRule.Evaluate(similarity, precision, rows.Count, rows.Count - scored.Count);
        return new JudgeRunResult(judgeName, rows, similarity, precision, decision);
    }
}
