namespace LlamaDuo.Pipeline.Cost;

/// <summary>One input of the cost case as shown to the user: its name, its value in words, and where it came from.</summary>
public sealed record CostInput(string Name, string Value, string Source);
