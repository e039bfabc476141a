namespace LlamaDuo.Pipeline.Data;

/// <summary>
/// A train/test split. <see cref="MovedToTrain"/> lists test rows whose prompt (normalised) also appears in train:
/// they were taken out of test so the test split never measures memorised prompts, and kept in train.
/// </summary>
internal sealed record TrainTestSplit(IReadOnlyList<CoverageRow> Train, IReadOnlyList<CoverageRow> Test, IReadOnlyList<SplitOverlap> MovedToTrain);

/// <summary>A test row whose normalised prompt matched a train row.</summary>
internal sealed record SplitOverlap(string TestId, string TrainId);
