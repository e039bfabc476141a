using LlamaDuo.Models.Model;

namespace LlamaDuo.LlamaCpp.Export;

/// <summary>
/// RoPE facts the exporter needs: llama.cpp's "llama" architecture rotates interleaved pairs (x[2j], x[2j+1]) while
/// Hugging Face checkpoints rotate halves (x[j], x[j + d/2]), so q/k rows are reordered within each head; and Llama 3
/// frequency scaling is carried as a per-frequency divisor tensor ("rope_freqs.weight").
/// </summary>
internal static class RopeLayout
{
    /// <summary>
    /// Reorders the rows of a q or k projection (weight [heads*headDim, in] or bias [heads*headDim]) from the
    /// halves layout to the interleaved-pairs layout: row (h, half k, j) moves to (h, 2j + k).
    /// </summary>
    public static float[] HalvesToInterleaved(float[] values, int heads, int headDim)
    {
        int rowLength = values.Length / (heads * headDim);
        var result = new float[values.Length];
        int half = headDim / 2;
        for (int h = 0; h < heads; h++)
            for (int k = 0; k < 2; k++)
                for (int j = 0; j < half; j++)
                {
                    int from = h * headDim + k * half + j;
                    int to = h * headDim + 2 * j + k;
                    Array.Copy(values, (long)from * rowLength, result, (long)to * rowLength, rowLength);
                }
        return result;
    }

    /// <summary>
    /// The Llama 3 divisors, one per rotary frequency (headDim / 2 of them): 1 for short wavelengths, the scaling
    /// factor for long ones, and a smooth blend between; llama.cpp divides each base frequency by its entry.
    /// </summary>
    public static float[] Llama3FrequencyDivisors(RopeScaling scaling, double ropeTheta, int headDim)
    {
        double oldContext = scaling.OriginalMaxPositionEmbeddings;
        double lowFreqWavelength = oldContext / scaling.LowFreqFactor;
        double highFreqWavelength = oldContext / scaling.HighFreqFactor;
        var divisors = new float[headDim / 2];
        for (int i = 0; i < divisors.Length; i++)
        {
            double frequency = 1.0 / Math.Pow(ropeTheta, 2.0 * i / headDim);
            double wavelength = 2 * Math.PI / frequency;
            double divisor;
            if (wavelength < highFreqWavelength) divisor = 1;
            else if (wavelength > lowFreqWavelength) divisor = scaling.Factor;
            else
            {
                double smooth = (oldContext / wavelength - scaling.LowFreqFactor) / (scaling.HighFreqFactor - scaling.LowFreqFactor);
                divisor = 1 / ((1 - smooth) / scaling.Factor + smooth);
            }
            divisors[i] = (float)divisor;
        }
        return divisors;
    }
}
