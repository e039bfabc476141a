using System.Diagnostics;
using LlamaDuo.Models.Model;
using static TorchSharp.torch;

namespace LlamaDuo.Torch.Training;

/// <summary>
/// Measures the matmul rate this machine reaches right now, for a dtype and a set of GEMM shapes, so training
/// throughput can be stated as a fraction of it (model-FLOPs utilisation) from figures taken in the same run.
/// </summary>
public static class GemmProbe
{
    /// <summary>
    /// GFLOP/s of [M, K] x [K, N] products over <paramref name="shapes"/> as one workload: total FLOPs over total time,
    /// best of <paramref name="repeats"/> rounds of about <paramref name="secondsPerShape"/> each.
    /// </summary>
    public static double Measure(ScalarType dtype, IReadOnlyList<(long M, long K, long N)> shapes, double secondsPerShape = 0.3, int repeats = 3)
    {
        using var scope = NewDisposeScope();
        var gen = new Generator(1);
        var operands = shapes.Select(s => (A: randn(s.M, s.K, generator: gen).to(dtype), B: randn(s.K, s.N, generator: gen).to(dtype))).ToList();
        var iterations = operands.Select(o =>
        {
            using var warm = o.A.matmul(o.B); // first call pays for allocation and kernel selection
            var clock = Stopwatch.StartNew();
            var n = 0;
            while (clock.Elapsed.TotalSeconds < 0.05 || n < 2) { using var _ = o.A.matmul(o.B); n++; }
            return Math.Max(2, (int)(n * secondsPerShape / clock.Elapsed.TotalSeconds));
        }).ToList();
        var best = 0.0;
        for (var r = 0; r < repeats; r++)
        {
            double flops = 0, seconds = 0;
            for (var i = 0; i < operands.Count; i++)
            {
                var (a, b) = operands[i];
                var clock = Stopwatch.StartNew();
                for (var k = 0; k < iterations[i]; k++) { using var _ = a.matmul(b); }
                seconds += clock.Elapsed.TotalSeconds;
                flops += 2.0 * shapes[i].M * shapes[i].K * shapes[i].N * iterations[i];
            }
            best = Math.Max(best, flops / seconds / 1e9);
        }
        return best;
    }

    /// <summary>
    /// The projection GEMMs of one decoder layer for <paramref name="tokens"/> tokens (forward shapes plus the
    /// transposed shapes of the input-gradient pass), i.e. what training mostly runs.
    /// </summary>
    public static IReadOnlyList<(long M, long K, long N)> LayerShapes(LlamaConfig c, long tokens)
    {
        long d = c.HiddenSize, kv = c.KvDim, i = c.IntermediateSize;
        return [(tokens, d, d), (tokens, d, kv), (tokens, d, i), (tokens, i, d), (tokens, kv, d)];
    }
}
