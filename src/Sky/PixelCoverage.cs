using System.Collections.ObjectModel;
using System.Diagnostics.Contracts;

namespace Apdb.Sky;

/// <summary>
/// A set of HEALPix NESTED pixels at one depth, held as sorted, merged, non-overlapping half-open ranges:
/// the shape a <c>pixelId BETWEEN</c> (or <c>&gt;= AND &lt;</c>) SQL predicate wants.
/// </summary>
public sealed class PixelCoverage
{
    private readonly PixelRange[] _ranges;

    internal PixelCoverage(int depth, PixelRange[] normalizedRanges)
    {
        Depth = depth;
        _ranges = normalizedRanges;
        Ranges = new ReadOnlyCollection<PixelRange>(normalizedRanges);
        long count = 0;
        foreach (var r in normalizedRanges)
        {
            count += r.Length;
        }

        PixelCount = count;
    }

    /// <summary>The depth the ranges are expressed at.</summary>
    public int Depth { get; }

    /// <summary>Sorted, merged, non-overlapping half-open ranges of pixel ids at <see cref="Depth"/>.</summary>
    public IReadOnlyList<PixelRange> Ranges { get; }

    /// <summary>The number of pixels at <see cref="Depth"/> in the coverage.</summary>
    public long PixelCount { get; }

    /// <summary>Whether the coverage has no pixel.</summary>
    public bool IsEmpty => _ranges.Length == 0;

    /// <summary>The empty coverage at a depth.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth is outside [0, 29].</exception>
    [Pure]
    public static PixelCoverage Empty(int depth)
    {
        Preconditions.Depth(depth);
        return new PixelCoverage(depth, []);
    }

    /// <summary>A coverage from any ranges at a depth: they are sorted, and overlapping or touching ones merged.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth is outside [0, 29] or a range exceeds the depth's ids.</exception>
    [Pure]
    public static PixelCoverage FromRanges(int depth, IEnumerable<PixelRange> ranges)
    {
        Preconditions.Depth(depth);
        ArgumentNullException.ThrowIfNull(ranges);
        var limit = 12L << (2 * depth);
        var list = ranges.ToArray();
        foreach (var r in list)
        {
            if (r.End > limit)
            {
                Preconditions.ThrowOutOfRange(nameof(ranges), $"range {r} exceeds the {limit} pixels of depth {depth}");
            }
        }

        Array.Sort(list, static (a, b) => a.Start.CompareTo(b.Start));
        return new PixelCoverage(depth, Coalesce(list));
    }

    /// <summary>
    /// The coverage at another depth. Deeper: every pixel becomes its 4^k children (exact). Coarser: every pixel
    /// becomes its ancestor, so partly covered ancestors are included (a superset).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The depth is outside [0, 29].</exception>
    [Pure]
    public PixelCoverage ToDepth(int depth)
    {
        Preconditions.Depth(depth);
        if (depth == Depth)
        {
            return this;
        }

        var result = new PixelRange[_ranges.Length];
        if (depth > Depth)
        {
            var shift = 2 * (depth - Depth);
            for (var i = 0; i < _ranges.Length; i++)
            {
                result[i] = new PixelRange(_ranges[i].Start << shift, _ranges[i].End << shift);
            }

            return new PixelCoverage(depth, result);
        }

        var down = 2 * (Depth - depth);
        for (var i = 0; i < _ranges.Length; i++)
        {
            result[i] = new PixelRange(_ranges[i].Start >> down, ((_ranges[i].End - 1) >> down) + 1);
        }

        return new PixelCoverage(depth, Coalesce(result));
    }

    /// <summary>Whether the depth-29 pixel <paramref name="idAtDepth29"/> lies in a covered pixel (binary search).</summary>
    [Pure]
    public bool Contains(long idAtDepth29) => ContainsAtDepth(idAtDepth29 >> (2 * (HealpixNested.MaxDepth - Depth)));

    /// <summary>Whether the pixel <paramref name="id"/>, given at <see cref="Depth"/>, is covered (binary search).</summary>
    [Pure]
    public bool ContainsAtDepth(long id)
    {
        int lo = 0, hi = _ranges.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var r = _ranges[mid];
            if (id < r.Start)
            {
                hi = mid - 1;
            }
            else if (id >= r.End)
            {
                lo = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The union with another coverage, expressed at the deeper of the two depths.</summary>
    [Pure]
    public PixelCoverage Union(PixelCoverage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var depth = Math.Max(Depth, other.Depth);
        var a = ToDepth(depth)._ranges;
        var b = other.ToDepth(depth)._ranges;
        var merged = new PixelRange[a.Length + b.Length];
        a.CopyTo(merged, 0);
        b.CopyTo(merged, a.Length);
        Array.Sort(merged, static (x, y) => x.Start.CompareTo(y.Start));
        return new PixelCoverage(depth, Coalesce(merged));
    }

    /// <summary>Merges overlapping or touching ranges of a list sorted by start.</summary>
    internal static PixelRange[] Coalesce(PixelRange[] sorted)
    {
        if (sorted.Length == 0)
        {
            return sorted;
        }

        var output = new List<PixelRange>(sorted.Length);
        var start = sorted[0].Start;
        var end = sorted[0].End;
        for (var i = 1; i < sorted.Length; i++)
        {
            var r = sorted[i];
            if (r.Start <= end)
            {
                end = Math.Max(end, r.End);
            }
            else
            {
                output.Add(new PixelRange(start, end));
                start = r.Start;
                end = r.End;
            }
        }

        output.Add(new PixelRange(start, end));
        return [.. output];
    }
}
