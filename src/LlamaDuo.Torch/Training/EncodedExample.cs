namespace LlamaDuo.Torch.Training;

/// <summary>
/// One tokenized training example. <see cref="IsTarget"/>[t] says whether token t is scored: the model's output at
/// position t - 1 is trained to predict it (so position 0 is never a target).
/// </summary>
public sealed record EncodedExample(string Id, int[] Ids, bool[] IsTarget)
{
    public int Length => Ids.Length;

    /// <summary>Where each packed example starts (see <see cref="SequencePacker"/>); null for a single example.</summary>
    public int[]? SegmentStarts { get; init; }

    /// <summary>Number of scored tokens.</summary>
    public int TargetCount => IsTarget.Count(t => t);
}
