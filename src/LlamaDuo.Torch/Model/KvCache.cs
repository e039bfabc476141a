using LlamaDuo.Models.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Model;

/// <summary>
/// Keys and values of every layer for the tokens seen so far, in buffers allocated once for
/// <see cref="Capacity"/> positions (no per-token concatenation). <see cref="Length"/> positions are filled;
/// the model writes new positions at Length and advances it after the last layer.
/// </summary>
public sealed class KvCache : IDisposable
{
    private readonly Tensor[] keys;   // per layer [B, KvH, Capacity, D]
    private readonly Tensor[] values; // per layer [B, KvH, Capacity, D]

    public KvCache(LlamaConfig config, long batchSize, int capacity, ScalarType dtype, Device? device = null)
    {
        Capacity = capacity;
        BatchSize = batchSize;
        keys = new Tensor[config.NumHiddenLayers];
        values = new Tensor[config.NumHiddenLayers];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = zeros([batchSize, config.NumKeyValueHeads, capacity, config.HeadDim], dtype, device).DetachFromDisposeScope();
            values[i] = zeros([batchSize, config.NumKeyValueHeads, capacity, config.HeadDim], dtype, device).DetachFromDisposeScope();
        }
    }

    /// <summary>Most positions the cache can hold.</summary>
    public int Capacity { get; }

    /// <summary>Rows in the batch.</summary>
    public long BatchSize { get; }

    /// <summary>Positions filled so far (the same for every layer and row).</summary>
    public int Length { get; private set; }

    /// <summary>
    /// Writes the new keys/values [B, KvH, T, D] of one layer at positions [Length, Length+T) and returns views of
    /// everything cached for that layer including them, [B, KvH, Length+T, D].
    /// </summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        var t = (int)k.shape[2];
        if (Length + t > Capacity)
            throw new InvalidOperationException($"KV cache full: {Length} + {t} positions exceed its capacity {Capacity}");
        using (var kSlot = keys[layer].narrow(2, Length, t)) kSlot.copy_(k);
        using (var vSlot = values[layer].narrow(2, Length, t)) vSlot.copy_(v);
        return (keys[layer].narrow(2, 0, Length + t), values[layer].narrow(2, 0, Length + t));
    }

    /// <summary>Marks <paramref name="count"/> more positions filled; called by the model after all layers ran.</summary>
    public void Advance(int count) => Length += count;

    /// <summary>
    /// Fills this cache with rows of <paramref name="source"/>: row i gets source row <paramref name="sourceRows"/>[i]
    /// (e.g. one prefilled prompt copied to each of its K samples). Length becomes the source's.
    /// </summary>
    public void CopyRowsFrom(KvCache source, Tensor sourceRows)
    {
        if (source.Length > Capacity) throw new InvalidOperationException($"source holds {source.Length} positions, capacity is {Capacity}");
        for (var l = 0; l < keys.Length; l++)
        {
            foreach (var (dst, src) in new[] { (keys[l], source.keys[l]), (values[l], source.values[l]) })
            {
                using var filled = src.narrow(2, 0, source.Length);              // [U, KvH, L, D]
                using var picked = filled.index_select(0, sourceRows);           // [B, KvH, L, D]
                using var slot = dst.narrow(2, 0, source.Length);                // [B, KvH, L, D]
                slot.copy_(picked);
            }
        }
        Length = source.Length;
    }

    /// <summary>Forgets everything cached (buffers are reused).</summary>
    public void Reset() => Length = 0;

    public void Dispose()
    {
        foreach (var t in keys) t.Dispose();
        foreach (var t in values) t.Dispose();
    }
}
