using static TorchSharp.torch;

namespace LlamaDuo.Torch.Lora;

/// <summary>
/// Dropout keep-masks drawn at memory speed. torch's CPU <c>bernoulli_</c> draws one 64-bit number per element from one
/// generator on one thread (its vectorised MKL path is taken on Intel CPUs only): 19 ms for a [4096, 896] mask on the
/// AMD EPYC hosts these runs use, which at dropout 0.05 on q,k,v,o was ~7% of a Qwen2.5-0.5B LoRA step. Here each
/// element gets 16 bits of a counter-based generator (SplitMix64 of seed + index, filled on all cores) and is dropped
/// when they fall below round(p x 65536): the drop probability is p to within 2^-17, and
/// <see cref="KeepProbability"/> gives the exact keep fraction to scale by, so the masked input stays unbiased.
/// The seed of each mask is one draw from the caller's generator, so re-seeding or restoring that generator (as
/// activation checkpointing does before it recomputes a layer) gives the same masks again.
/// </summary>
internal static class DropoutMask
{
    const int Levels = 1 << 16;

    /// <summary>The probability that an element is kept by a mask drawn for dropout <paramref name="p"/>.</summary>
    public static double KeepProbability(double p) => 1 - Threshold(p) / (double)Levels;

    static int Threshold(double p) => (int)Math.Round(p * Levels);

    /// <summary>A bool tensor of <paramref name="shape"/>, true where the element is kept.</summary>
    public static Tensor Keep(long[] shape, double p, Generator? generator)
    {
        ulong seed;
        using (var draw = randint(0, long.MaxValue, [1], dtype: ScalarType.Int64, generator: generator)) seed = (ulong)draw.item<long>();
        var keep = empty(shape, dtype: ScalarType.Bool);
        // storage<T>() opens a second handle on the tensor that nothing else disposes: without this scope a caller with no
        // dispose scope of its own would keep every mask's memory until the GC finalised that handle.
        using (NewDisposeScope())
            Fill(keep.storage<bool>().data_ptr(), keep.numel(), seed, (ushort)Threshold(p));
        return keep;
    }

    /// <summary>Element j is kept when the 16 bits j mod 4 of word j / 4 are at least <paramref name="threshold"/>.</summary>
    static unsafe void Fill(IntPtr data, long count, ulong seed, ushort threshold)
    {
        const long Chunk = 1 << 17; // elements per task, a multiple of 4
        var target = (byte*)data;
        Parallel.For(0, (count + Chunk - 1) / Chunk, chunk =>
        {
            var end = Math.Min(count, (chunk + 1) * Chunk);
            var j = chunk * Chunk;
            for (; j + 4 <= end; j += 4)   // four bools written as one 32-bit store
            {
                var word = Word(seed, j);
                *(uint*)(target + j) = Kept(word, threshold) | Kept(word >> 16, threshold) << 8
                    | Kept(word >> 32, threshold) << 16 | Kept(word >> 48, threshold) << 24;
            }
            for (var word = Word(seed, j); j < end; j++, word >>= 16) target[j] = (byte)Kept(word, threshold);
        });
    }

    static ulong Word(ulong seed, long element) => SplitMix64(seed + (ulong)(element / 4 + 1) * 0x9E3779B97F4A7C15UL);

    static uint Kept(ulong bits, ushort threshold) => (ushort)bits >= threshold ? 1u : 0u;

    static ulong SplitMix64(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
