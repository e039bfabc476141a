namespace LlamaDuo.LlamaCpp.Tests.Support;

static class LogitComparison
{
    public static double MaxAbsDiff(float[][] a, float[][] b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int t = 0; t < a.Length; t++)
        {
            Assert.Equal(a[t].Length, b[t].Length);
            for (int i = 0; i < a[t].Length; i++) max = Math.Max(max, Math.Abs(a[t][i] - b[t][i]));
        }
        return max;
    }

    public static int[] ArgMax(float[][] logits) =>
        logits.Select(row => Array.IndexOf(row, row.Max())).ToArray();
}
