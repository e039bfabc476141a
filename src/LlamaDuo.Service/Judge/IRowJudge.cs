namespace LlamaDuo.Service.Judge;

/// <summary>
/// Anything that can score one row on the two 1-100 metrics: the LLM judge (<see cref="LlmJudge"/>) or a
/// programmatic one (exact match, ROUGE-L, BLEU). Implementations record failures on the result, never throw for
/// them; only cancellation propagates.
/// </summary>
public interface IRowJudge
{
    /// <summary>A short name for reports, e.g. "llm:gpt-4o" or "rouge-l".</summary>
    string Name { get; }

    /// <summary>Scores one row.</summary>
    Task<JudgedRow> JudgeAsync(JudgeItem item, CancellationToken cancellationToken = default);
}
