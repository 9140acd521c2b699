using Apdb.Sky;

namespace Apdb.ForcedPhot;

/// <summary>Groups positions closer than a radius (transitively: friends of friends) with a sweep in y and union-find.</summary>
internal static class BlendGroups
{
    /// <summary>
    /// Returns the groups with more than one member, as lists of position indices (ascending), in the order of their
    /// first member. Positions with a non-finite coordinate are in no group.
    /// </summary>
    /// <remarks>
    /// A sweep in y: positions sorted by y, each compared with those following it less than a radius further on, so the
    /// work is n log n for the sort plus the pairs within a strip; it replaced a dictionary grid whose allocations were a
    /// serial cost in every forced-photometry call.
    /// </remarks>
    public static List<int[]> Find(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double radius)
    {
        var n = x.Length;
        var groups = new List<int[]>();
        if (!(radius > 0) || n < 2)
        {
            return groups;
        }

        var finite = 0;
        var ys = new double[n];
        var index = new int[n];
        for (var i = 0; i < n; i++)
        {
            if (double.IsFinite(x[i]) && double.IsFinite(y[i]))
            {
                ys[finite] = y[i];
                index[finite++] = i;
            }
        }

        Array.Sort(ys, index, 0, finite);
        var sets = new DisjointSets(n);

        var r2 = radius * radius;
        var linked = false;
        for (var a = 0; a < finite; a++)
        {
            var i = index[a];
            var xi = x[i];
            var yi = ys[a];
            for (var b = a + 1; b < finite && ys[b] - yi < radius; b++)
            {
                var dx = x[index[b]] - xi;
                var dy = ys[b] - yi;
                if ((dx * dx) + (dy * dy) < r2)
                {
                    sets.Union(i, index[b]);
                    linked = true;
                }
            }
        }

        if (!linked)
        {
            return groups;
        }

        // Members per root, then each group filled in ascending index order; a group is listed at its first member.
        var count = new int[n];
        var root = new int[n];
        for (var i = 0; i < n; i++)
        {
            root[i] = sets.Find(i);
            count[root[i]]++;
        }

        var slot = new int[n];
        var members = new int[n][];
        for (var i = 0; i < n; i++)
        {
            var r = root[i];
            if (count[r] < 2)
            {
                continue;
            }

            if (members[r] is null)
            {
                members[r] = new int[count[r]];
                groups.Add(members[r]);
            }

            members[r][slot[r]++] = i;
        }

        return groups;
    }
}
