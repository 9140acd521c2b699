using Apdb.Sky;

namespace Apdb.Association;

/// <summary>
/// Which depth-29 pixel ranges a source must probe in an index on the objects' depth-29 pixel ids so that no object
/// within the radius is missed.
/// </summary>
/// <remarks>
/// The disc around a source lies inside its pixel and that pixel's neighbours at the neighbour depth (the one
/// <see cref="HealpixCandidateFinder"/> uses: every pixel wider than the radius). Each of those pixels lies inside its
/// ancestor at a coarser probe depth, chosen so that an occupied probe pixel holds only a few objects; the distinct
/// ancestors, with consecutive ids merged, become half-open depth-29 ranges
/// <c>[a &lt;&lt; 2(29-d), (a+1) &lt;&lt; 2(29-d))</c>. A source far from its probe pixel's edges then needs one index
/// probe instead of nine. Radii too large for the neighbour scheme probe the whole sky.
/// </remarks>
internal sealed class PixelProbePlan
{
    /// <summary>Mean objects per occupied probe pixel the plan stays at or below when it coarsens.</summary>
    private const double TargetObjectsPerPixel = 3.0;

    /// <summary>How many depths coarser than the neighbour depth the plan may go.</summary>
    private const int MaxCoarsening = 4;

    private PixelProbePlan(int neighbourDepth, int probeDepth)
    {
        NeighbourDepth = neighbourDepth;
        ProbeDepth = probeDepth;
    }

    /// <summary>The depth whose pixel and neighbours cover the disc; -1 when the whole sky is probed.</summary>
    public int NeighbourDepth { get; }

    /// <summary>The depth of the probed pixels (&lt;= <see cref="NeighbourDepth"/>); -1 when the whole sky is probed.</summary>
    public int ProbeDepth { get; }

    /// <summary>Chooses the depths for a radius and the objects' depth-29 pixel ids (sorted ascending).</summary>
    public static PixelProbePlan Create(double radiusArcsec, ReadOnlySpan<long> sortedObjectPixels29)
    {
        var depth = HealpixCandidateFinder.DepthForRadius(radiusArcsec);
        if (depth < 0)
        {
            return new PixelProbePlan(-1, -1);
        }

        var probe = depth;
        for (var k = 1; k <= MaxCoarsening && depth - k >= 0; k++)
        {
            var occupied = CountDistinct(sortedObjectPixels29, 2 * (HealpixNested.MaxDepth - (depth - k)));
            if (occupied == 0 || (double)sortedObjectPixels29.Length / occupied > TargetObjectsPerPixel)
            {
                break;
            }

            probe = depth - k;
        }

        return new PixelProbePlan(depth, probe);
    }

    /// <summary>
    /// Writes the depth-29 ranges a source in <paramref name="pixel29"/> must probe, ascending and disjoint.
    /// </summary>
    /// <param name="pixel29">The source's depth-29 pixel id.</param>
    /// <param name="starts">Range starts (inclusive); room for 9.</param>
    /// <param name="ends">Range ends (exclusive); room for 9.</param>
    /// <returns>The number of ranges (1 to 9).</returns>
    public int Ranges(long pixel29, Span<long> starts, Span<long> ends)
    {
        if (NeighbourDepth < 0)
        {
            starts[0] = 0;
            ends[0] = HealpixNested.PixelCount(HealpixNested.MaxDepth);
            return 1;
        }

        Span<long> probe = stackalloc long[9];
        var pixel = pixel29 >> (2 * (HealpixNested.MaxDepth - NeighbourDepth));
        var count = HealpixCandidateFinder.Probes(NeighbourDepth, pixel, probe);
        var up = 2 * (NeighbourDepth - ProbeDepth);
        for (var i = 0; i < count; i++)
        {
            probe[i] >>= up;
        }

        var ancestors = probe[..count];
        ancestors.Sort();
        var shift = 2 * (HealpixNested.MaxDepth - ProbeDepth);
        var n = 0;
        for (var i = 0; i < ancestors.Length; i++)
        {
            var a = ancestors[i];
            if (n > 0 && (ends[n - 1] >> shift) >= a)
            {
                // Same ancestor as the previous range's last pixel, or the next one: extend.
                ends[n - 1] = Math.Max(ends[n - 1], (a + 1) << shift);
                continue;
            }

            starts[n] = a << shift;
            ends[n] = (a + 1) << shift;
            n++;
        }

        return n;
    }

    private static int CountDistinct(ReadOnlySpan<long> sorted, int shift)
    {
        var count = 0;
        var previous = -1L;
        foreach (var id in sorted)
        {
            var p = id >> shift;
            if (p != previous)
            {
                count++;
                previous = p;
            }
        }

        return count;
    }
}
