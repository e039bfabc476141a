namespace LlamaDuo.Service.Judge;

/// <summary>
/// Quantiles of Student's t distribution, for confidence intervals on small test splits (15-25 rows in the paper,
/// where the normal 1.96 would be too narrow). CDF through the regularised incomplete beta function (continued
/// fraction, Numerical-Recipes style), quantile by bisection: slow by numeric standards, instant for one per run.
/// </summary>
public static class StudentT
{
    /// <summary>The two-sided critical value: P(|T| &lt;= t) = <paramref name="confidence"/> with <paramref name="df"/> degrees of freedom.</summary>
    public static double Critical(double confidence, double df)
    {
        double target = 0.5 + confidence / 2;
        double lo = 0, hi = 1000;
        for (int i = 0; i < 200; i++)
        {
            double mid = (lo + hi) / 2;
            if (Cdf(mid, df) < target) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /// <summary>P(T &lt;= t).</summary>
    public static double Cdf(double t, double df)
    {
        double x = df / (df + t * t);
        double tail = 0.5 * IncompleteBeta(df / 2, 0.5, x);
        return t >= 0 ? 1 - tail : tail;
    }

    static double IncompleteBeta(double a, double b, double x)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double lnFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x);
        if (x < (a + 1) / (a + b + 2)) return Math.Exp(lnFront) * ContinuedFraction(a, b, x) / a;
        return 1 - Math.Exp(lnFront) * ContinuedFraction(b, a, 1 - x) / b;
    }

    static double ContinuedFraction(double a, double b, double x)
    {
        const double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 300; m++)
        {
            double aa = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
            d = 1 + aa * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d; h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
            d = 1 + aa * d; if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c; if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-14) break;
        }
        return h;
    }

    /// <summary>Lanczos approximation of ln Γ(x) for x &gt; 0.</summary>
    static double LogGamma(double x)
    {
        double[] g = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
        double y = x, tmp = x + 5.5;
        tmp -= (x + 0.5) * Math.Log(tmp);
        double ser = 1.000000000190015;
        foreach (double c in g) ser += c / ++y;
        return -tmp + Math.Log(2.5066282746310005 * ser / x);
    }
}
