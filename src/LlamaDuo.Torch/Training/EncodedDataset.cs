namespace LlamaDuo.Torch.Training;

/// <summary>Encoded examples ready for batching, with how many were truncated and dropped on the way.</summary>
public sealed record EncodedDataset(IReadOnlyList<EncodedExample> Examples, int Truncated, int Dropped)
{
    public long TargetTokens => Examples.Sum(e => (long)e.TargetCount);
}
