namespace Apdb.Association;

/// <summary>
/// The shared resolvers. Each returns, per source row, the index of its accepted pair in <see cref="ExactPairs"/>, or -1.
/// </summary>
internal static class Resolvers
{
    public static int[] Resolve(AssociationMode mode, Catalog objects, Catalog sources, ExactPairs pairs, double radiusArcsec, CancellationToken cancellationToken) => mode switch
    {
        AssociationMode.Greedy => Greedy(objects, sources, pairs),
        AssociationMode.Nearest => Nearest(objects, sources, pairs),
        AssociationMode.Optimal => OptimalResolver.Resolve(objects, sources, pairs, radiusArcsec, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown association mode"),
    };

    /// <summary>All pairs by (distance, sourceId, objectId); accept when both ends are free.</summary>
    public static int[] Greedy(Catalog objects, Catalog sources, ExactPairs pairs)
    {
        var n = pairs.Count;
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        SortByDistanceThenIds(order, pairs, objects, sources);
        var sourcePair = NewUnmatched(sources.Count);
        var objectTaken = new bool[objects.Count];
        foreach (var p in order)
        {
            var s = pairs.Sources[p];
            var o = pairs.Objects[p];
            if (sourcePair[s] < 0 && !objectTaken[o])
            {
                sourcePair[s] = p;
                objectTaken[o] = true;
            }
        }

        return sourcePair;
    }

    /// <summary>Each source's nearest object only (ties: lower objectId); by (distance, sourceId) it gets it if still free.</summary>
    public static int[] Nearest(Catalog objects, Catalog sources, ExactPairs pairs)
    {
        var objectIds = objects.Ids;
        var nearest = new List<int>();
        var n = pairs.Count;
        var start = 0;
        while (start < n)
        {
            var s = pairs.Sources[start];
            var best = start;
            var end = start + 1;
            for (; end < n && pairs.Sources[end] == s; end++)
            {
                var d = pairs.ChordSquared[end];
                var bd = pairs.ChordSquared[best];
                if (d < bd || (d == bd && objectIds[pairs.Objects[end]] < objectIds[pairs.Objects[best]]))
                {
                    best = end;
                }
            }

            nearest.Add(best);
            start = end;
        }

        var order = nearest.ToArray();
        SortByDistanceThenIds(order, pairs, objects, sources);
        var sourcePair = NewUnmatched(sources.Count);
        var objectTaken = new bool[objects.Count];
        foreach (var p in order)
        {
            var o = pairs.Objects[p];
            if (!objectTaken[o])
            {
                sourcePair[pairs.Sources[p]] = p;
                objectTaken[o] = true;
            }
        }

        return sourcePair;
    }

    private static int[] NewUnmatched(int count)
    {
        var a = new int[count];
        Array.Fill(a, -1);
        return a;
    }

    /// <summary>Sorts pair indices by (chord^2, sourceId, objectId) using a primitive-key sort and fixing ties after.</summary>
    private static void SortByDistanceThenIds(int[] order, ExactPairs pairs, Catalog objects, Catalog sources)
    {
        var n = order.Length;
        var keys = new long[n];
        for (var i = 0; i < n; i++)
        {
            // Non-negative doubles order like their bit patterns.
            keys[i] = BitConverter.DoubleToInt64Bits(pairs.ChordSquared[order[i]]);
        }

        var sourceIds = sources.IdArray;
        var objectIds = objects.IdArray;
        var comparer = Comparer<int>.Create((a, b) =>
        {
            var c = sourceIds[pairs.Sources[a]].CompareTo(sourceIds[pairs.Sources[b]]);
            return c != 0 ? c : objectIds[pairs.Objects[a]].CompareTo(objectIds[pairs.Objects[b]]);
        });
        KeyRuns.Sort(keys, order, comparer);
    }
}
