namespace LlamaDuo.Service.Judge;

/// <summary>
/// One judging round of one row: the parsed scores, or the error that remained after <see cref="Attempts"/> tries.
/// <see cref="LastReply"/> is kept (shortened) so a failed parse can be inspected later.
/// </summary>
public sealed record JudgeCall(int Round, int Attempts, JudgeScores? Scores, string? Error, string? LastReply)
{
    /// <summary>True when this round produced scores.</summary>
    public bool Succeeded => Scores is not null;

    /// <summary>Every parse diagnostic or call failure of this round, in attempt order (data, not exceptions).</summary>
    public IReadOnlyList<string> Diagnostics { get; init; } = [];
}
