namespace LlamaDuo.Pipeline.Runs;

/// <summary>One line of `llamaduo runs`: a run folder with its status, round count and best scores (null when not judged yet).</summary>
public sealed record RunSummary(string Id, string Dir, string Task, string Status, DateTimeOffset? Created, DateTimeOffset? Updated,
    int Rounds, double? BestSimilarity, double? BestPrecision, bool Passed, string? Message);
