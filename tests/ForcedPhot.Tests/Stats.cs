namespace Apdb.ForcedPhot.Tests;

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]);
    }

    /// <summary>1.4826 x the median absolute deviation: the standard deviation for Gaussian data, robust to outliers.</summary>
    public static double RobustSigma(IEnumerable<double> values)
    {
        var array = values.ToArray();
        var median = Median(array);
        return 1.4826 * Median(array.Select(v => Math.Abs(v - median)));
    }
}
