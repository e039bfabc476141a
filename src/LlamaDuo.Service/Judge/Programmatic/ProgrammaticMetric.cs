namespace LlamaDuo.Service.Judge.Programmatic;

/// <summary>The judges that need no LLM, for tasks with one right answer or close-to-reference text.</summary>
public enum ProgrammaticMetric
{
    /// <summary>100 when the normalised answers are equal (case, punctuation, articles ignored), else 0.</summary>
    ExactMatch,
    /// <summary>ROUGE-L F1 times 100.</summary>
    RougeL,
    /// <summary>Smoothed sentence BLEU-4 times 100.</summary>
    Bleu,
}
