namespace LlamaDuo.Pipeline.Store;

/// <summary>How many synthetic rows of a round were dropped for one reason (near-duplicate, rouge_l, contaminated, unparseable, ...).</summary>
public sealed record SynthesisDrop(int Round, string Reason, int Count);
