namespace LlamaDuo.Torch.Training;

/// <summary>
/// Packs short examples into rows of up to <c>capacity</c> tokens (first-fit decreasing, a pure function of the
/// lengths), so a batch spends its compute on tokens rather than padding. A packed row records where each example
/// starts; <see cref="SftBatch.Collate"/> gives it position ids that restart at each example and a block-diagonal
/// causal mask, so no example sees another and the loss equals the unpacked one.
/// </summary>
internal static class SequencePacker
{
    /// <summary>The packed rows; every example lands in exactly one, in a deterministic order.</summary>
    public static IReadOnlyList<EncodedExample> Pack(IReadOnlyList<EncodedExample> examples, int capacity)
    {
        var order = Enumerable.Range(0, examples.Count).OrderByDescending(i => examples[i].Length).ThenBy(i => i);
        var bins = new List<(List<int> Members, int Used)>();
        foreach (var i in order)
        {
            var length = examples[i].Length;
            var bin = bins.FindIndex(b => b.Used + length <= capacity);
            if (bin < 0) bins.Add(([i], length));
            else bins[bin] = (bins[bin].Members.Append(i).ToList(), bins[bin].Used + length);
        }
        return bins.Select(b => Join(b.Members.Order().Select(i => examples[i]).ToList())).ToList();
    }

    /// <summary>One row holding <paramref name="parts"/> back to back; position 0 of each part is never a target, so no target is predicted across a boundary.</summary>
    public static EncodedExample Join(IReadOnlyList<EncodedExample> parts)
    {
        if (parts.Count == 1) return parts[0];
        var starts = new int[parts.Count];
        var offset = 0;
        for (var p = 0; p < parts.Count; p++) { starts[p] = offset; offset += parts[p].Length; }
        return new EncodedExample(string.Join("+", parts.Select(p => p.Id)),
            parts.SelectMany(p => p.Ids).ToArray(),
            parts.SelectMany(p => p.IsTarget.Select((t, i) => t && i > 0)).ToArray())
        { SegmentStarts = starts };
    }
}
