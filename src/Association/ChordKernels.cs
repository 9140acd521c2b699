using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Apdb.Association;

/// <summary>Within-limit scans of one point against many unit vectors, vectorised with a scalar fallback.</summary>
internal static class ChordKernels
{
    /// <summary>Appends to <paramref name="hits"/> the indices i with chord^2(p, v[i]) &lt;= limit; returns the new count.</summary>
    public static int CollectWithin(
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> z,
        double px, double py, double pz, double limitSquared, ref int[] hits, int count)
    {
        if (y.Length != x.Length || z.Length != x.Length)
        {
            throw new ArgumentException("x, y and z must have the same length");
        }

        var i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<double>.Count)
        {
            i = CollectVector256(x, y, z, px, py, pz, limitSquared, ref hits, ref count);
        }
        else if (Vector128.IsHardwareAccelerated && x.Length >= Vector128<double>.Count)
        {
            i = CollectVector128(x, y, z, px, py, pz, limitSquared, ref hits, ref count);
        }

        for (; i < x.Length; i++)
        {
            if (ChordMetric.ChordSquared(px, py, pz, x[i], y[i], z[i]) <= limitSquared)
            {
                Append(ref hits, ref count, i);
            }
        }

        return count;
    }

    /// <summary>The scalar reference for <see cref="CollectWithin"/>.</summary>
    public static int CollectWithinScalar(
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> z,
        double px, double py, double pz, double limitSquared, ref int[] hits, int count)
    {
        for (var i = 0; i < x.Length; i++)
        {
            if (ChordMetric.ChordSquared(px, py, pz, x[i], y[i], z[i]) <= limitSquared)
            {
                Append(ref hits, ref count, i);
            }
        }

        return count;
    }

    private static int CollectVector256(
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> z,
        double px, double py, double pz, double limitSquared, ref int[] hits, ref int count)
    {
        var vpx = Vector256.Create(px);
        var vpy = Vector256.Create(py);
        var vpz = Vector256.Create(pz);
        var vlimit = Vector256.Create(limitSquared);
        var width = Vector256<double>.Count;
        var last = x.Length - width;
        var i = 0;
        for (; i <= last; i += width)
        {
            var dx = vpx - Vector256.Create(x.Slice(i, width));
            var dy = vpy - Vector256.Create(y.Slice(i, width));
            var dz = vpz - Vector256.Create(z.Slice(i, width));
            var d2 = (dx * dx) + (dy * dy) + (dz * dz);
            var mask = Vector256.LessThanOrEqual(d2, vlimit).ExtractMostSignificantBits();
            while (mask != 0)
            {
                Append(ref hits, ref count, i + BitOperations.TrailingZeroCount(mask));
                mask &= mask - 1;
            }
        }

        return i;
    }

    private static int CollectVector128(
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> z,
        double px, double py, double pz, double limitSquared, ref int[] hits, ref int count)
    {
        var vpx = Vector128.Create(px);
        var vpy = Vector128.Create(py);
        var vpz = Vector128.Create(pz);
        var vlimit = Vector128.Create(limitSquared);
        var width = Vector128<double>.Count;
        var last = x.Length - width;
        var i = 0;
        for (; i <= last; i += width)
        {
            var dx = vpx - Vector128.Create(x.Slice(i, width));
            var dy = vpy - Vector128.Create(y.Slice(i, width));
            var dz = vpz - Vector128.Create(z.Slice(i, width));
            var d2 = (dx * dx) + (dy * dy) + (dz * dz);
            var mask = Vector128.LessThanOrEqual(d2, vlimit).ExtractMostSignificantBits();
            while (mask != 0)
            {
                Append(ref hits, ref count, i + BitOperations.TrailingZeroCount(mask));
                mask &= mask - 1;
            }
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Append(ref int[] hits, ref int count, int index)
    {
        if (count == hits.Length)
        {
            Array.Resize(ref hits, Math.Max(8, hits.Length * 2));
        }

        hits[count++] = index;
    }
}
