using System.Numerics;
using System.Runtime.CompilerServices;

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
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            i = CollectVectors(x, y, z, px, py, pz, limitSquared, ref hits, ref count);
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

    /// <summary>
    /// The vector body of <see cref="CollectWithin"/>, <see cref="Vector{T}"/> (the hardware's preferred width) at a time;
    /// hits are rare, so a vector's lanes are looked at one by one only when one of them is within the limit. Returns the
    /// first index not scanned.
    /// </summary>
    private static int CollectVectors(
        ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> z,
        double px, double py, double pz, double limitSquared, ref int[] hits, ref int count)
    {
        var vpx = new Vector<double>(px);
        var vpy = new Vector<double>(py);
        var vpz = new Vector<double>(pz);
        var vlimit = new Vector<double>(limitSquared);
        var width = Vector<double>.Count;
        var last = x.Length - width;
        var i = 0;
        for (; i <= last; i += width)
        {
            var dx = vpx - new Vector<double>(x[i..]);
            var dy = vpy - new Vector<double>(y[i..]);
            var dz = vpz - new Vector<double>(z[i..]);
            var within = Vector.LessThanOrEqual((dx * dx) + (dy * dy) + (dz * dz), vlimit);
            if (within == Vector<long>.Zero)
            {
                continue;
            }

            for (var lane = 0; lane < width; lane++)
            {
                if (within[lane] != 0)
                {
                    Append(ref hits, ref count, i + lane);
                }
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
