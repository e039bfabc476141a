namespace LlamaDuo.Service.Judge;

/// <summary>The outcome of a <see cref="PassRule"/>: pass, or the list of bounds that failed (readable in reports).</summary>
public sealed record PassDecision(bool Passed, IReadOnlyList<string> Failures)
{
    public override string ToString() => Passed ? "pass" : "fail: " + string.Join("; ", Failures);
}
