using System.Runtime.CompilerServices;
namespace Apdb.ForcedPhot;

/// <summary>Groups positions closer than a radius (transitively: friends of friends) with a grid hash and union-find.</summary>
internal static class BlendGroups
{
    /// <summary>Returns the groups with more than one member, as lists of position indices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static List<int[]> Find(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double radius)
    {
        var n = x.Length;
        var groups = new List<int[]>();
        if (radius <= 0 || n < 2)
        {
            return groups;
        }

        var parent = new int[n];
        for (var i = 0; i < n; i++)
        {
            parent[i] = i;
        }

        var cells = new Dictionary<(long, long), List<int>>();
        for (var i = 0; i < n; i++)
        {
            if (!double.IsFinite(x[i]) || !double.IsFinite(y[i]))
            {
                continue;
            }

            var key = ((long)Math.Floor(x[i] / radius), (long)Math.Floor(y[i] / radius));
            if (!cells.TryGetValue(key, out var list))
            {
                cells[key] = list = [];
            }

            list.Add(i);
        }

        var r2 = radius * radius;
        var linked = false;
        foreach (var ((cx, cy), members) in cells)
        {
            for (var gy = cy - 1; gy <= cy + 1; gy++)
            {
                for (var gx = cx - 1; gx <= cx + 1; gx++)
                {
                    if (!cells.TryGetValue((gx, gy), out var others))
                    {
                        continue;
                    }

                    foreach (var i in members)
                    {
                        foreach (var j in others)
                        {
                            if (j <= i)
                            {
                                continue;
                            }

                            var dx = x[i] - x[j];
                            var dy = y[i] - y[j];
                            if ((dx * dx) + (dy * dy) < r2)
                            {
                                Union(parent, i, j);
                                linked = true;
                            }
                        }
                    }
                }
            }
        }

        if (!linked)
        {
            return groups;
        }

        var byRoot = new Dictionary<int, List<int>>();
        for (var i = 0; i < n; i++)
        {
            var root = Find(parent, i);
            if (root == i && parent[i] == i && !byRoot.ContainsKey(i))
            {
                // Created lazily below.
            }

            if (!byRoot.TryGetValue(root, out var list))
            {
                byRoot[root] = list = [];
            }

            list.Add(i);
        }

        foreach (var list in byRoot.Values)
        {
            if (list.Count > 1)
            {
                groups.Add([.. list]);
            }
        }

        return groups;
    }

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }

    private static void Union(int[] parent, int a, int b)
    {
        var ra = Find(parent, a);
        var rb = Find(parent, b);
        if (ra != rb)
        {
            parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }
    }
}
