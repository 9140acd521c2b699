namespace Apdb.Sky;

/// <summary>
/// Hierarchical descent from the 12 base pixels: each level classifies the children of the previous level's
/// partial pixels; inside pixels are emitted whole as ranges, outside ones dropped. Work grows with the
/// boundary's pixel count, not the area's.
/// </summary>
internal static class CoverageBuilder
{
    private const int Shift29 = HealpixNested.MaxDepth;

    // Three extra levels test 64 sub-pixels at most, twice healpy's default oversampling (fact=4) per axis.
    private const int RefineLevels = 3;

    public static PixelCoverage AtDepth<T>(in T region, int depth)
        where T : struct, IPixelClassifier
    {
        Preconditions.Depth(depth);
        var inside = new List<PixelRange>();
        var partial = new List<long>(12);
        var candidates = new List<long>(12);
        for (long p = 0; p < 12; p++)
        {
            candidates.Add(p);
        }

        for (var d = 0; ; d++)
        {
            Classify(region, d, candidates, inside, partial);
            if (d == depth || partial.Count == 0)
            {
                Refine(region, d, partial);
                return Assemble(depth, inside, partial, d);
            }

            Children(partial, candidates);
        }
    }

    public static PixelCoverage Adaptive<T>(in T region, int maxRanges)
        where T : struct, IPixelClassifier
    {
        Preconditions.AtLeast(maxRanges, 1, nameof(maxRanges));
        var inside = new List<PixelRange>();
        var partial = new List<long>(12);
        var candidates = new List<long>(12);
        for (long p = 0; p < 12; p++)
        {
            candidates.Add(p);
        }

        var previousInside = new List<PixelRange>();
        var previousPartial = new List<long>();
        for (var d = 0; ; d++)
        {
            Classify(region, d, candidates, inside, partial);
            var count = CountRanges(inside, partial, d);
            if (count > maxRanges && d > 0)
            {
                return Finish(region, d - 1, previousInside, previousPartial, maxRanges);
            }

            // Deeper levels cannot change a coverage without partial pixels, and depth 29 is the floor.
            if (partial.Count == 0 || d == HealpixNested.MaxDepth)
            {
                return Finish(region, d, inside, partial, maxRanges);
            }

            previousInside.Clear();
            previousInside.AddRange(inside);
            previousPartial.Clear();
            previousPartial.AddRange(partial);
            Children(partial, candidates);
        }
    }

    /// <summary>
    /// The chosen level, refined once at the end rather than at every level (refining is most of the cost).
    /// Dropping a pixel can split a range, so if the refined set has too many ranges the unrefined superset is kept.
    /// </summary>
    private static PixelCoverage Finish<T>(in T region, int depth, List<PixelRange> inside, List<long> partial, int maxRanges)
        where T : struct, IPixelClassifier
    {
        var unrefined = new List<long>(partial);
        Refine(region, depth, partial);
        var refined = Assemble(HealpixNested.MaxDepth, inside, partial, depth);
        return refined.Ranges.Count <= maxRanges || unrefined.Count == partial.Count
            ? refined
            : Assemble(HealpixNested.MaxDepth, inside, unrefined, depth);
    }

    /// <summary>The number of merged ranges of inside ranges plus partial pixels, without building them.</summary>
    private static int CountRanges(List<PixelRange> inside, List<long> partial, int partialDepth)
    {
        var shift = 2 * (Shift29 - partialDepth);
        var count = 0;
        var end = -1L;
        int i = 0, j = 0;
        while (i < inside.Count || j < partial.Count)
        {
            long start, stop;
            if (j >= partial.Count || (i < inside.Count && inside[i].Start <= partial[j] << shift))
            {
                (start, stop) = (inside[i].Start, inside[i].End);
                i++;
            }
            else
            {
                (start, stop) = (partial[j] << shift, (partial[j] + 1) << shift);
                j++;
            }

            if (start > end)
            {
                count++;
            }

            end = Math.Max(end, stop);
        }

        return count;
    }

    private static void Classify<T>(in T region, int depth, List<long> candidates, List<PixelRange> inside, List<long> partial)
        where T : struct, IPixelClassifier
    {
        partial.Clear();
        var shift = 2 * (Shift29 - depth);
        var newInside = new List<PixelRange>();
        foreach (var p in candidates)
        {
            switch (region.Classify(depth, HealpixNested.CenterVectorUnchecked(depth, p)))
            {
                case PixelClass.Inside:
                    AppendMerged(newInside, p << shift, (p + 1) << shift);
                    break;
                case PixelClass.Partial:
                    partial.Add(p);
                    break;
                default:
                    break;
            }
        }

        if (newInside.Count > 0)
        {
            var merged = MergeSorted(inside, newInside);
            inside.Clear();
            inside.AddRange(merged);
        }
    }

    /// <summary>
    /// Drops partial pixels that a look up to <see cref="RefineLevels"/> levels deeper shows to be outside after all
    /// (a pixel near the region whose circumscribed cap, but not the pixel itself, touches it). As healpix_cxx's
    /// inclusive queries do, a descendant still partial at the last level counts as touching, so nothing is missed.
    /// </summary>
    private static void Refine<T>(in T region, int depth, List<long> partial)
        where T : struct, IPixelClassifier
    {
        var levels = Math.Min(RefineLevels, HealpixNested.MaxDepth - depth);
        if (levels == 0)
        {
            return;
        }

        Span<long> stack = stackalloc long[4 * RefineLevels + 4];
        Span<int> stackDepth = stackalloc int[4 * RefineLevels + 4];
        var kept = 0;
        for (var i = 0; i < partial.Count; i++)
        {
            var p = partial[i];
            var top = 0;
            for (var c = 3; c >= 0; c--)
            {
                stack[top] = (p << 2) + c;
                stackDepth[top++] = depth + 1;
            }

            var touches = false;
            while (top > 0 && !touches)
            {
                var q = stack[--top];
                var qd = stackDepth[top];
                switch (region.Classify(qd, HealpixNested.CenterVectorUnchecked(qd, q)))
                {
                    case PixelClass.Inside:
                        touches = true;
                        break;
                    case PixelClass.Partial when qd == depth + levels:
                        touches = true;
                        break;
                    case PixelClass.Partial:
                        for (var c = 3; c >= 0; c--)
                        {
                            stack[top] = (q << 2) + c;
                            stackDepth[top++] = qd + 1;
                        }

                        break;
                    default:
                        break;
                }
            }

            if (touches)
            {
                partial[kept++] = p;
            }
        }

        partial.RemoveRange(kept, partial.Count - kept);
    }

    private static void Children(List<long> partial, List<long> candidates)
    {
        candidates.Clear();
        foreach (var p in partial)
        {
            var first = p << 2;
            candidates.Add(first);
            candidates.Add(first + 1);
            candidates.Add(first + 2);
            candidates.Add(first + 3);
        }
    }

    /// <summary>The union of the inside ranges (depth 29) and the partial pixels (at <paramref name="partialDepth"/>), at <paramref name="depth"/>.</summary>
    private static PixelCoverage Assemble(int depth, List<PixelRange> inside, List<long> partial, int partialDepth)
    {
        var shift = 2 * (Shift29 - partialDepth);
        var partialRanges = new List<PixelRange>(partial.Count);
        foreach (var p in partial)
        {
            AppendMerged(partialRanges, p << shift, (p + 1) << shift);
        }

        var all = MergeSorted(inside, partialRanges);
        var down = 2 * (Shift29 - depth);
        var result = new PixelRange[all.Count];
        for (var i = 0; i < all.Count; i++)
        {
            // Ranges are aligned to the partial depth, so for depth >= partialDepth this shift is exact; for the
            // adaptive form depth is 29 and down is 0.
            result[i] = new PixelRange(all[i].Start >> down, ((all[i].End - 1) >> down) + 1);
        }

        return new PixelCoverage(depth, PixelCoverage.Coalesce(result));
    }

    private static void AppendMerged(List<PixelRange> list, long start, long end)
    {
        if (list.Count > 0 && list[^1].End == start)
        {
            list[^1] = new PixelRange(list[^1].Start, end);
        }
        else
        {
            list.Add(new PixelRange(start, end));
        }
    }

    private static List<PixelRange> MergeSorted(List<PixelRange> a, List<PixelRange> b)
    {
        var result = new List<PixelRange>(a.Count + b.Count);
        int i = 0, j = 0;
        while (i < a.Count || j < b.Count)
        {
            var next = (j >= b.Count || (i < a.Count && a[i].Start <= b[j].Start)) ? a[i++] : b[j++];
            if (result.Count > 0 && next.Start <= result[^1].End)
            {
                if (next.End > result[^1].End)
                {
                    result[^1] = new PixelRange(result[^1].Start, next.End);
                }
            }
            else
            {
                result.Add(next);
            }
        }

        return result;
    }
}
