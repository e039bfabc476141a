namespace LlamaDuo.Torch.Training;

/// <summary>
/// The batch order of one epoch: examples shuffled by (seed, epoch), grouped into windows of
/// <see cref="WindowBatches"/> batches, sorted by length inside each window (so a batch pads little), cut into batches,
/// and the batches shuffled again. A pure function of its inputs, so a resumed run replays the same order.
/// </summary>
internal static class LengthBuckets
{
    /// <summary>How many batches share one length-sorting window: wider pads less but orders batches less randomly.</summary>
    public const int WindowBatches = 8;

    /// <summary>Example indices, one array a batch (the last may be short).</summary>
    public static IReadOnlyList<int[]> ForEpoch(IReadOnlyList<int> lengths, int batchSize, int seed, int epoch)
    {
        var random = new Random(unchecked(seed * 7919 + epoch * 104729 + 17));
        var order = Enumerable.Range(0, lengths.Count).ToArray();
        random.Shuffle(order);
        var batches = new List<int[]>();
        foreach (var window in order.Chunk(batchSize * WindowBatches))
        {
            var sorted = window.OrderBy(i => lengths[i]).ThenBy(i => i).ToArray();
            batches.AddRange(sorted.Chunk(batchSize));
        }
        var shuffled = batches.ToArray();
        random.Shuffle(shuffled);
        return shuffled;
    }

    /// <summary>Number of batches an epoch has.</summary>
    public static int BatchesPerEpoch(int examples, int batchSize)
    {
        var full = examples / (batchSize * WindowBatches) * WindowBatches;
        var rest = examples % (batchSize * WindowBatches);
        return full + (rest + batchSize - 1) / batchSize;
    }
}
