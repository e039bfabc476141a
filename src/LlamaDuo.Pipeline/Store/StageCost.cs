namespace LlamaDuo.Pipeline.Store;

/// <summary>Service tokens and dollars spent by one stage of one round (rolled up from its calls).</summary>
public sealed record StageCost(int Round, string Stage, long Calls, long InputTokens, long OutputTokens, double Dollars);
