namespace Apdb.Association;

/// <summary>
/// Pairs within the radius after the shared exact test, sorted by (source row, object row), without duplicates.
/// Sorting by rows makes everything downstream independent of the order a finder produced its candidates in.
/// </summary>
internal sealed class ExactPairs
{
    public ExactPairs(int[] sources, int[] objects, double[] chordSquared, int count)
    {
        Sources = sources;
        Objects = objects;
        ChordSquared = chordSquared;
        Count = count;
    }

    public int[] Sources { get; }

    public int[] Objects { get; }

    public double[] ChordSquared { get; }

    public int Count { get; }

    /// <summary>The shared exact filter: the one place that decides whether a pair is within the radius.</summary>
    public static ExactPairs Filter(Catalog objects, Catalog sources, CandidateSet candidates, double radiusArcsec, CancellationToken cancellationToken)
    {
        var limit = ChordMetric.LimitForRadiusArcsec(radiusArcsec);
        var cs = candidates.SourceIndices;
        var co = candidates.ObjectIndices;
        var n = cs.Length;

        var sortedAlready = true;
        for (var i = 1; i < n && sortedAlready; i++)
        {
            sortedAlready = cs[i - 1] < cs[i] || (cs[i - 1] == cs[i] && co[i - 1] < co[i]);
        }

        ReadOnlySpan<int> srcOrder = cs;
        ReadOnlySpan<int> objOrder = co;
        int[]? sortedSources = null;
        int[]? sortedObjects = null;
        if (!sortedAlready)
        {
            var keys = new long[n];
            for (var i = 0; i < n; i++)
            {
                CheckRange(cs[i], sources.Count, co[i], objects.Count);
                keys[i] = ((long)cs[i] << 32) | (uint)co[i];
            }

            cancellationToken.ThrowIfCancellationRequested();
            Array.Sort(keys);
            sortedSources = new int[n];
            sortedObjects = new int[n];
            for (var i = 0; i < n; i++)
            {
                sortedSources[i] = (int)(keys[i] >> 32);
                sortedObjects[i] = (int)(keys[i] & 0xFFFFFFFF);
            }

            srcOrder = sortedSources;
            objOrder = sortedObjects;
        }

        var outSources = sortedSources ?? new int[n];
        var outObjects = sortedObjects ?? new int[n];
        var outChord = new double[n];
        var sx = sources.X;
        var sy = sources.Y;
        var sz = sources.Z;
        var ox = objects.X;
        var oy = objects.Y;
        var oz = objects.Z;
        var m = 0;
        var prevS = -1;
        var prevO = -1;
        for (var i = 0; i < n; i++)
        {
            var s = srcOrder[i];
            var o = objOrder[i];
            if (s == prevS && o == prevO)
            {
                continue;
            }

            if (sortedAlready)
            {
                CheckRange(s, sources.Count, o, objects.Count);
            }

            prevS = s;
            prevO = o;
            var d2 = ChordMetric.ChordSquared(sx[s], sy[s], sz[s], ox[o], oy[o], oz[o]);
            if (d2 <= limit)
            {
                outSources[m] = s;
                outObjects[m] = o;
                outChord[m] = d2;
                m++;
            }
        }

        return new ExactPairs(outSources, outObjects, outChord, m);
    }

    private static void CheckRange(int s, int sourceCount, int o, int objectCount)
    {
        if ((uint)s >= (uint)sourceCount || (uint)o >= (uint)objectCount)
        {
            throw new InvalidOperationException($"candidate pair (source row {s}, object row {o}) is outside the catalogs ({sourceCount} sources, {objectCount} objects)");
        }
    }
}
