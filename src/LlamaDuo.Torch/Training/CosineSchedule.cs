namespace LlamaDuo.Torch.Training;

/// <summary>
/// Learning rate by optimiser step: linear warmup from 0 over the first <c>ceil(warmupRatio * totalSteps)</c> steps,
/// then a half cosine from the peak down to <see cref="MinRatio"/> x peak at the last step. A pure function of the step
/// (like torch's LambdaLR), so resuming needs only the step number.
/// </summary>
internal sealed record CosineSchedule(double PeakLr, int TotalSteps, double WarmupRatio, double MinRatio = 0.0)
{
    public int WarmupSteps => (int)Math.Ceiling(WarmupRatio * TotalSteps);

    /// <summary>The learning rate used for optimiser step <paramref name="step"/> (0-based).</summary>
    public double At(int step)
    {
        if (step < WarmupSteps) return PeakLr * (step + 1) / WarmupSteps;
        var decaySteps = Math.Max(1, TotalSteps - WarmupSteps);
        var progress = Math.Clamp((double)(step - WarmupSteps) / decaySteps, 0, 1);
        var cosine = 0.5 * (1 + Math.Cos(Math.PI * progress));
        return PeakLr * (MinRatio + (1 - MinRatio) * cosine);
    }
}
