namespace Apdb.Cli.Commands;

/// <summary>
/// IRAF's zscale display limits, as astropy's <c>ZScaleInterval</c> computes them (its defaults: 1000 samples, contrast
/// 0.25, at most half the samples rejected, 2.5-sigma rejection grown by 1% of the samples, 5 iterations): a line is
/// fitted to the sorted sample with outliers rejected, and the limits are the median plus and minus the sample's span
/// along the flattened slope. Stars and cosmic rays do not set the range, so faint structure stays visible.
/// </summary>
internal static class ZScale
{
    private const int Samples = 1000;
    private const double Contrast = 0.25;
    private const double MaxReject = 0.5;
    private const int MinPixels = 5;
    private const double RejectSigma = 2.5;
    private const int MaxIterations = 5;

    /// <summary>The limits for the finite values of <paramref name="values"/>; (NaN, NaN) when none is finite.</summary>
    public static (double Min, double Max) Limits(ReadOnlySpan<float> values)
    {
        var finite = new List<double>(values.Length);
        foreach (var v in values)
        {
            if (float.IsFinite(v))
            {
                finite.Add(v);
            }
        }

        if (finite.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        var stride = Math.Max(1, finite.Count / Samples);
        var samples = new List<double>(Math.Min(Samples, finite.Count));
        for (var i = 0; i < finite.Count && samples.Count < Samples; i += stride)
        {
            samples.Add(finite[i]);
        }

        samples.Sort();
        var n = samples.Count;
        var (min, max) = (samples[0], samples[^1]);
        var slope = FitSlope(samples);
        if (slope is not { } s)
        {
            return (min, max);
        }

        s /= Contrast;
        var centre = (n - 1) / 2;
        var median = n % 2 == 1 ? samples[n / 2] : 0.5 * (samples[(n / 2) - 1] + samples[n / 2]);
        return (Math.Max(min, median - ((centre - 1) * s)), Math.Min(max, median + ((n - centre) * s)));
    }

    /// <summary>The slope of the line through the sorted samples with outliers rejected, or null when too many were rejected.</summary>
    private static double? FitSlope(List<double> samples)
    {
        var n = samples.Count;
        var bad = new bool[n];
        var good = n;
        var lastGood = n + 1;
        var minGood = Math.Max(MinPixels, (int)(n * MaxReject));
        var grow = Math.Max(1, (int)(n * 0.01));
        var (slope, intercept) = (0.0, 0.0);
        for (var iteration = 0; iteration < MaxIterations && good < lastGood && good >= minGood; iteration++)
        {
            (slope, intercept) = FitLine(samples, bad);
            var residuals = new double[n];
            double sum = 0, sumSq = 0;
            for (var i = 0; i < n; i++)
            {
                residuals[i] = samples[i] - (intercept + (slope * i));
                if (!bad[i])
                {
                    sum += residuals[i];
                    sumSq += residuals[i] * residuals[i];
                }
            }

            var mean = sum / good;
            var threshold = RejectSigma * Math.Sqrt(Math.Max(0, (sumSq / good) - (mean * mean)));
            for (var i = 0; i < n; i++)
            {
                bad[i] |= residuals[i] < -threshold || residuals[i] > threshold;
            }

            bad = Grow(bad, grow);
            lastGood = good;
            good = bad.Count(b => !b);
        }

        return good >= minGood ? slope : null;
    }

    /// <summary>Least squares of samples[i] = a + b i over the good samples.</summary>
    private static (double Slope, double Intercept) FitLine(List<double> samples, bool[] bad)
    {
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            if (!bad[i])
            {
                n++;
                sx += i;
                sy += samples[i];
                sxx += (double)i * i;
                sxy += i * samples[i];
            }
        }

        var denominator = (n * sxx) - (sx * sx);
        var slope = denominator == 0 ? 0 : ((n * sxy) - (sx * sy)) / denominator;
        return (slope, (sy - (slope * sx)) / n);
    }

    /// <summary>Marks every sample within a window of <paramref name="width"/> of a rejected one (numpy's convolve, mode 'same').</summary>
    private static bool[] Grow(bool[] bad, int width)
    {
        var grown = new bool[bad.Length];
        for (var i = 0; i < bad.Length; i++)
        {
            for (var j = Math.Max(0, i - (width / 2)); j <= Math.Min(bad.Length - 1, i + ((width - 1) / 2)) && !grown[i]; j++)
            {
                grown[i] = bad[j];
            }
        }

        return grown;
    }
}
