using System.Numerics;
using System.Runtime.CompilerServices;

namespace Apdb.Sky;

/// <summary>
/// Order statistics: the k-th smallest value, the median and the median absolute deviation. The one home of these for
/// every project; selection runs in linear time on average where a sort is N log N. Values must not contain NaN.
/// </summary>
public static class Selection
{
    /// <summary>
    /// The k-th smallest value (0-based), partially reordering <paramref name="values"/>: Hoare selection with a median of
    /// three as the pivot.
    /// </summary>
    /// <typeparam name="T">A number type (float, double).</typeparam>
    /// <param name="values">The values, reordered in place.</param>
    /// <param name="k">The rank, 0 to Length - 1.</param>
    /// <returns>The k-th smallest value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static T Select<T>(Span<T> values, int k)
        where T : struct, INumber<T>
    {
        if ((uint)k >= (uint)values.Length)
        {
            Preconditions.ThrowOutOfRange(nameof(k), $"k = {k} is outside [0, {values.Length})");
        }

        int left = 0, right = values.Length - 1;
        while (right > left)
        {
            var mid = left + ((right - left) >> 1);
            var a = values[left];
            var b = values[mid];
            var c = values[right];
            var pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return values[k];
            }
        }

        return values[k];
    }

    /// <summary>
    /// The median: the middle value, or the mean of the two middle values for an even count; NaN when there are none.
    /// Reorders <paramref name="values"/>.
    /// </summary>
    /// <typeparam name="T">A floating-point type (float, double).</typeparam>
    /// <param name="values">The values, reordered in place.</param>
    /// <returns>The median.</returns>
    public static T Median<T>(Span<T> values)
        where T : struct, IFloatingPointIeee754<T>
    {
        var n = values.Length;
        if (n == 0)
        {
            return T.NaN;
        }

        var upper = Select(values, n / 2);
        if (n % 2 == 1)
        {
            return upper;
        }

        // After selecting rank n/2 every value left of it is no larger, so the lower middle is their maximum.
        var lower = values[0];
        for (var i = 1; i < n / 2; i++)
        {
            lower = T.Max(lower, values[i]);
        }

        return T.CreateChecked(0.5) * (lower + upper);
    }

    /// <summary>The median of a list, as <see cref="Median{T}(Span{T})"/>, without changing the list.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The median, NaN when the list is empty.</returns>
    public static double Median(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Median(values.ToArray().AsSpan());
    }

    /// <summary>
    /// The <paramref name="percent"/>-th percentile with linear interpolation between the two nearest ranks, at rank
    /// (n - 1) percent / 100 (numpy's default method, Hyndman and Fan's type 7); NaN when the list is empty. The list
    /// is left unchanged.
    /// </summary>
    /// <param name="values">The values.</param>
    /// <param name="percent">0 to 100.</param>
    /// <returns>The percentile.</returns>
    public static double Percentile(IEnumerable<double> values, double percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (percent is not (>= 0 and <= 100))
        {
            Preconditions.ThrowOutOfRange(nameof(percent), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"percent = {percent} is outside [0, 100]"));
        }

        var copy = values.ToArray();
        if (copy.Length == 0)
        {
            return double.NaN;
        }

        var rank = (copy.Length - 1) * percent / 100.0;
        var k = (int)Math.Floor(rank);
        var lower = Select(copy.AsSpan(), k);
        if (k + 1 >= copy.Length || rank == k)
        {
            return lower;
        }

        // After selecting rank k every value right of it is no smaller, so the next rank is their minimum.
        var upper = copy[k + 1];
        for (var i = k + 2; i < copy.Length; i++)
        {
            upper = Math.Min(upper, copy[i]);
        }

        return lower + ((upper - lower) * (rank - k));
    }

    /// <summary>
    /// The upper median (the value of rank n/2) and the median absolute deviation about it (also of rank n/2): the
    /// robust centre and spread that the sigma clips use (scale the deviation by 1.4826 for a Gaussian sigma).
    /// </summary>
    /// <param name="values">The values (at least one), left unchanged.</param>
    /// <returns>The centre and the median absolute deviation.</returns>
    public static (double Centre, double Mad) UpperMedianAndMad(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            Preconditions.ThrowArgument(nameof(values), "values is empty: no median");
        }

        var work = values.ToArray();
        var centre = Select(work.AsSpan(), work.Length / 2);
        for (var i = 0; i < work.Length; i++)
        {
            work[i] = Math.Abs(values[i] - centre);
        }

        return (centre, Select(work.AsSpan(), work.Length / 2));
    }
}
