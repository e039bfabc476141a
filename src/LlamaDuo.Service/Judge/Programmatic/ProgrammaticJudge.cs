using LlamaDuo.Core.Errors;

namespace LlamaDuo.Service.Judge.Programmatic;

/// <summary>
/// A judge with no LLM: one deterministic metric of candidate against reference, mapped to 0-100 and reported as
/// both similarity and precision (there is no separate notion of precision without a reader). One "round".
/// </summary>
public sealed class ProgrammaticJudge(ProgrammaticMetric metric) : IRowJudge
{
    public ProgrammaticMetric Metric { get; } = metric;

    public string Name => Metric switch
    {
        ProgrammaticMetric.ExactMatch => "exact-match",
        ProgrammaticMetric.RougeL => "rouge-l",
        _ => "bleu",
    };

    /// <summary>The 0-100 score of one candidate.</summary>
    public double Score(string candidate, string reference) => Metric switch
    {
        ProgrammaticMetric.ExactMatch =>
            TextNormalizer.NormalizeAnswer(candidate) == TextNormalizer.NormalizeAnswer(reference) ? 100 : 0,
        ProgrammaticMetric.RougeL => 100 * RougeL.F1(candidate, reference),
        _ => 100 * SentenceBleu.Score(candidate, reference),
    };

    public Task<JudgedRow> JudgeAsync(JudgeItem item, CancellationToken cancellationToken = default)
    {
        double s = Score(item.Candidate, item.Reference);
        var call = new JudgeCall(0, 1, new JudgeScores(s, s), null, null);
        return Task.FromResult(JudgedRow.FromCalls(item, Name, [call]));
    }

    /// <summary>Parses a config name: "exact_match"/"exact-match", "rouge_l"/"rouge-l"/"rougel", "bleu".</summary>
    public static ProgrammaticJudge FromName(string name) =>
        name.Trim().ToLowerInvariant().Replace('_', '-') switch
        {
            "exact-match" or "exact" or "em" => new(ProgrammaticMetric.ExactMatch),
            "rouge-l" or "rougel" => new(ProgrammaticMetric.RougeL),
            "bleu" or "bleu-4" => new(ProgrammaticMetric.Bleu),
            _ => throw new InputException("unknown programmatic judge; use exact_match, rouge_l or bleu", field: "judge.metric", value: name),
        };
}
