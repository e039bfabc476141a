namespace LlamaDuo.Pipeline.Store;

/// <summary>Training loss at one optimizer step of one round.</summary>
public sealed record LossPoint(int Round, int Step, double Loss, double? LearningRate = null);
