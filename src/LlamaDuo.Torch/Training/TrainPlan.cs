namespace LlamaDuo.Torch.Training;

/// <summary>
/// How a run's data divides into steps: the held-out slice (drawn by seed, at most <c>HeldOutMax</c> rows, none when
/// fewer than 20 rows), batches per epoch, optimiser steps per epoch (a last group of fewer than grad-accum batches
/// still makes a step) and the total.
/// </summary>
internal sealed record TrainPlan(IReadOnlyList<EncodedExample> Train, IReadOnlyList<EncodedExample> HeldOut, int BatchSize,
    int GradAccum, int Seed, int BatchesPerEpoch, int StepsPerEpoch, int TotalSteps)
{
    /// <summary>Plans <paramref name="rows"/>; with packing on, the training rows are packed into rows of up to <paramref name="packTo"/> tokens after the held-out slice is drawn.</summary>
    public static TrainPlan Create(IReadOnlyList<EncodedExample> rows, TrainOptions o, int packTo = 0)
    {
        var order = Enumerable.Range(0, rows.Count).ToArray();
        new Random(o.Seed).Shuffle(order);
        var heldOutCount = rows.Count < 20 || o.HeldOutFraction == 0 ? 0 : Math.Clamp((int)(rows.Count * o.HeldOutFraction), 1, o.HeldOutMax);
        var heldOut = order.Take(heldOutCount).Order().Select(i => rows[i]).ToList();
        IReadOnlyList<EncodedExample> train = order.Skip(heldOutCount).Order().Select(i => rows[i]).ToList();
        if (o.Packing && packTo > 0) train = SequencePacker.Pack(train, packTo);
        var batches = LengthBuckets.BatchesPerEpoch(train.Count, o.BatchSize);
        var steps = (batches + o.GradAccum - 1) / o.GradAccum;
        return new TrainPlan(train, heldOut, o.BatchSize, o.GradAccum, o.Seed, batches, steps, o.MaxSteps ?? steps * o.Epochs);
    }

    /// <summary>Epoch of a 0-based step.</summary>
    public int EpochOf(int step) => step / StepsPerEpoch;

    /// <summary>Index of a step's first batch within its epoch's order.</summary>
    public int FirstBatchOf(int step) => step % StepsPerEpoch * GradAccum;

    /// <summary>Whether a 0-based step is the last of its epoch.</summary>
    public bool EndsEpoch(int step) => (step + 1) % StepsPerEpoch == 0;

    /// <summary>The batch order of an epoch (example indices per batch).</summary>
    public IReadOnlyList<int[]> EpochOrder(int epoch) =>
        LengthBuckets.ForEpoch(Train.Select(e => e.Length).ToList(), BatchSize, Seed, epoch);

    /// <summary>The micro-batches (rows) of a 0-based step.</summary>
    public IEnumerable<IReadOnlyList<EncodedExample>> MicroBatches(int step, IReadOnlyList<int[]> epochOrder) =>
        epochOrder.Skip(FirstBatchOf(step)).Take(GradAccum).Select(batch => (IReadOnlyList<EncodedExample>)batch.Select(i => Train[i]).ToList());
}
