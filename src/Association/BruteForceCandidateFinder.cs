namespace Apdb.Association;

/// <summary>
/// The O(N*M) reference strategy ("brute"): every source against every object, vectorised over the object unit vectors.
/// </summary>
public sealed class BruteForceCandidateFinder : ICandidateFinder
{
    /// <summary>The shared instance.</summary>
    public static BruteForceCandidateFinder Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "brute";

    /// <inheritdoc />
    public ValueTask<CandidateSet> FindAsync(Catalog objects, Catalog sources, double radiusArcsec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(sources);
        MatchRadius.Check(radiusArcsec);
        var limit = ChordMetric.LooseLimit(ChordMetric.LimitForRadiusArcsec(radiusArcsec));
        var result = new CandidateSet(Math.Min(sources.Count, 1 << 20));
        var hits = new int[64];
        var ox = objects.X;
        var oy = objects.Y;
        var oz = objects.Z;
        var sx = sources.X;
        var sy = sources.Y;
        var sz = sources.Z;
        for (var s = 0; s < sources.Count; s++)
        {
            if ((s & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var n = ChordKernels.CollectWithin(ox, oy, oz, sx[s], sy[s], sz[s], limit, ref hits, 0);
            result.AddRange(s, hits.AsSpan(0, n));
        }

        return ValueTask.FromResult(result);
    }
}
