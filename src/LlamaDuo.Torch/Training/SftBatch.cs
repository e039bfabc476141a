using static TorchSharp.torch;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// A padded batch and where its loss is taken. Rows are right-padded to the longest row (the causal mask already keeps
/// real tokens from seeing the padding after them), and the loss uses only <see cref="Positions"/>: indices into the
/// flattened [B * T] hidden states whose next token is a target, with <see cref="Targets"/> the ids to predict there.
/// Applying the output head only at those positions avoids most of the head's cost (32000 x 288 for stories15M).
/// </summary>
internal sealed class SftBatch : IDisposable
{
    SftBatch(Tensor inputIds, Tensor positions, Tensor targets, long tokens, Tensor? positionIds = null, Tensor? mask = null)
    {
        InputIds = inputIds;
        PositionIds = positionIds;
        Mask = mask;
        Positions = positions;
        Targets = targets;
        Tokens = tokens;
    }

    /// <summary>[B, T] int64 token ids (padding after each row's end).</summary>
    public Tensor InputIds { get; }

    /// <summary>[B, T] int64 position ids, or null for 0..T-1 in every row (packed rows restart them per example).</summary>
    public Tensor? PositionIds { get; }

    /// <summary>Boolean [B, 1, T, T] attention mask (true = may attend), or null for the plain causal mask.</summary>
    public Tensor? Mask { get; }

    /// <summary>[N] int64 flat positions b * T + (t - 1) for every target token t.</summary>
    public Tensor Positions { get; }

    /// <summary>[N] int64 ids of the target tokens.</summary>
    public Tensor Targets { get; }

    /// <summary>Real (non-padding) tokens in the batch.</summary>
    public long Tokens { get; }

    /// <summary>Number of scored tokens (N).</summary>
    public long TargetCount => Targets.shape[0];

    /// <summary>Pads <paramref name="rows"/> with <paramref name="padId"/> and gathers the target positions.</summary>
    public static SftBatch Collate(IReadOnlyList<EncodedExample> rows, int padId, Device device)
    {
        var width = rows.Max(r => r.Length);
        var ids = new long[rows.Count * width];
        var positions = new List<long>();
        var targets = new List<long>();
        long tokens = 0;
        for (var b = 0; b < rows.Count; b++)
        {
            var row = rows[b];
            tokens += row.Length;
            for (var t = 0; t < width; t++) ids[b * width + t] = t < row.Length ? row.Ids[t] : padId;
            for (var t = 1; t < row.Length; t++)
            {
                if (!row.IsTarget[t]) continue;
                positions.Add(b * (long)width + t - 1);
                targets.Add(row.Ids[t]);
            }
        }
        var (positionIds, mask) = rows.Any(r => r.SegmentStarts is not null) ? PackedLayout(rows, width, device) : (null, null);
        return new SftBatch(
            tensor(ids, [rows.Count, width], dtype: ScalarType.Int64, device: device),
            tensor(positions.ToArray(), dtype: ScalarType.Int64, device: device),
            tensor(targets.ToArray(), dtype: ScalarType.Int64, device: device),
            tokens, positionIds, mask);
    }

    /// <summary>
    /// Position ids that restart at each packed example, and a boolean [B, 1, T, T] mask letting a token see the
    /// earlier tokens of its own example only; padding sees itself alone (its rows stay finite and are never scored).
    /// </summary>
    static (Tensor PositionIds, Tensor Mask) PackedLayout(IReadOnlyList<EncodedExample> rows, int width, Device device)
    {
        var positionIds = new long[rows.Count * width];
        var segment = new long[rows.Count * width];
        for (var b = 0; b < rows.Count; b++)
        {
            var starts = rows[b].SegmentStarts ?? [0];
            for (var t = 0; t < width; t++)
            {
                var s = t >= rows[b].Length ? -1 - t : Array.FindLastIndex(starts, start => start <= t); // padding: a segment of its own
                segment[b * width + t] = s;
                positionIds[b * width + t] = s < 0 ? 0 : t - starts[s];
            }
        }
        using var seg = tensor(segment, [rows.Count, width], dtype: ScalarType.Int64, device: device);
        using var same = seg.unsqueeze(2).eq(seg.unsqueeze(1));                                  // [B, T, T]
        using var causal = ones(width, width, dtype: ScalarType.Bool, device: device).tril();   // [T, T]
        using var allowed = same.logical_and(causal);                                            // [B, T, T]
        return (tensor(positionIds, [rows.Count, width], dtype: ScalarType.Int64, device: device), allowed.unsqueeze(1)); // [B, 1, T, T]
    }

    public void Dispose()
    {
        InputIds.Dispose();
        Positions.Dispose();
        Targets.Dispose();
        PositionIds?.Dispose();
        Mask?.Dispose();
    }
}
