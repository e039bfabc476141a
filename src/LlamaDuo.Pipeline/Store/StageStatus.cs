namespace LlamaDuo.Pipeline.Store;

/// <summary>Life of one stage of one round. A resumed run skips stages that are <see cref="Done"/>.</summary>
public enum StageStatus { Pending, Running, Done, Failed }
