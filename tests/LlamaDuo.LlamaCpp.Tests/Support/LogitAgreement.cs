namespace LlamaDuo.LlamaCpp.Tests.Support;

/// <summary>How closely a quantized model's next-token distributions follow the full-precision model's.</summary>
sealed record LogitAgreement(int Positions, int Top1Agree, double MeanKl, double MaxKl)
{
    public double Top1Rate => (double)Top1Agree / Positions;

    /// <summary>Top-1 agreement and KL(reference || candidate) of the softmax at every position.</summary>
    public static LogitAgreement Measure(float[][] reference, float[][] candidate)
    {
        Assert.Equal(reference.Length, candidate.Length);
        int agree = 0;
        double sum = 0, max = 0;
        for (int t = 0; t < reference.Length; t++)
        {
            var p = LogSoftmax(reference[t]);
            var q = LogSoftmax(candidate[t]);
            double kl = 0;
            for (int i = 0; i < p.Length; i++) kl += Math.Exp(p[i]) * (p[i] - q[i]);
            sum += kl;
            max = Math.Max(max, kl);
            if (Array.IndexOf(reference[t], reference[t].Max()) == Array.IndexOf(candidate[t], candidate[t].Max())) agree++;
        }
        return new LogitAgreement(reference.Length, agree, sum / reference.Length, max);
    }

    /// <summary>Adds another set of positions (another prompt) to this one.</summary>
    public LogitAgreement Plus(LogitAgreement other) =>
        new(Positions + other.Positions, Top1Agree + other.Top1Agree,
            (MeanKl * Positions + other.MeanKl * other.Positions) / (Positions + other.Positions), Math.Max(MaxKl, other.MaxKl));

    public override string ToString() => $"top-1 {Top1Agree}/{Positions}, KL mean {MeanKl:g3} max {MaxKl:g3}";

    static double[] LogSoftmax(float[] logits)
    {
        double max = logits.Max(), sum = 0;
        foreach (var x in logits) sum += Math.Exp(x - max);
        double log = max + Math.Log(sum);
        return logits.Select(x => x - log).ToArray();
    }
}
