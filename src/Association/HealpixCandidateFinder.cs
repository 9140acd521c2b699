using Apdb.Sky;

namespace Apdb.Association;

/// <summary>
/// The in-memory O(N+M) strategy ("memory"): objects are bucketed by HEALPix NESTED pixel at the deepest depth whose
/// every pixel is wider than the radius; each source probes its own pixel and its (7 or 8) neighbours.
/// </summary>
/// <remarks>
/// Why no candidate is missed: a cone whose radius is below the smallest edge-to-opposite-edge distance of the pixels
/// at a depth overlaps at most the pixel of its centre and that pixel's neighbours (cdshealpix, lib.rs,
/// <c>SMALLER_EDGE2OPEDGE_DIST</c>; F.-X. Pineau, CDS). The depth is chosen with a further 10% margin. Radii above 90%
/// of the depth-0 bound (about 43 degrees) fall back to scanning every object.
/// </remarks>
public sealed class HealpixCandidateFinder : ICandidateFinder
{
    private const double DepthMargin = 0.9;

    /// <summary>The shared instance.</summary>
    public static HealpixCandidateFinder Instance { get; } = new();

    /// <inheritdoc />
    public string Name => "memory";

    /// <summary>
    /// The depth used for a radius: the deepest whose smallest pixel width exceeds the radius by 10%, or -1 when the
    /// radius is too large for the neighbour scheme at any depth (every object is then a candidate).
    /// </summary>
    /// <param name="radiusArcsec">The match radius in arcseconds.</param>
    /// <returns>The depth in [0, 29], or -1.</returns>
    public static int DepthForRadius(double radiusArcsec)
    {
        var radiusDeg = radiusArcsec / 3600.0;
        for (var depth = HealpixNested.MaxDepth; depth >= 0; depth--)
        {
            if (radiusDeg <= DepthMargin * HealpixNested.MinPixelWidthDeg(depth))
            {
                return depth;
            }
        }

        return -1;
    }

    /// <inheritdoc />
    public ValueTask<CandidateSet> FindAsync(Catalog objects, Catalog sources, double radiusArcsec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(sources);
        ThrowHelper.ThrowIfBadRadius(radiusArcsec);
        var depth = DepthForRadius(radiusArcsec);
        if (depth < 0 || objects.Count == 0 || sources.Count == 0)
        {
            return BruteForceCandidateFinder.Instance.FindAsync(objects, sources, radiusArcsec, cancellationToken);
        }

        return ValueTask.FromResult(Find(objects, sources, radiusArcsec, depth, cancellationToken));
    }

    private static CandidateSet Find(Catalog objects, Catalog sources, double radiusArcsec, int depth, CancellationToken cancellationToken)
    {
        var limit = ChordMetric.LooseLimit(ChordMetric.LimitForRadiusArcsec(radiusArcsec));

        // Objects bucketed by pixel: an open-addressing table from pixel to the first object, and a "next" chain.
        // Inserting in reverse row order makes every chain ascend by row. No sort: O(N).
        var no = objects.Count;
        var objectPixel = new long[no];
        HealpixNested.Hash(depth, objects.RaDeg, objects.DecDeg, objectPixel);
        var table = new PixelTable(no);
        var next = new int[no];
        for (var o = no - 1; o >= 0; o--)
        {
            next[o] = table.Prepend(objectPixel[o], o);
        }

        cancellationToken.ThrowIfCancellationRequested();

        var ns = sources.Count;
        var sourcePixel = new long[ns];
        HealpixNested.Hash(depth, sources.RaDeg, sources.DecDeg, sourcePixel);
        var result = new CandidateSet(ns + (ns / 4));
        Span<long> probe = stackalloc long[9];
        var hits = new int[16];
        var ox = objects.X;
        var oy = objects.Y;
        var oz = objects.Z;
        var sx = sources.X;
        var sy = sources.Y;
        var sz = sources.Z;
        for (var s = 0; s < ns; s++)
        {
            if ((s & 4095) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var probeCount = Probes(depth, sourcePixel[s], probe);
            var px = sx[s];
            var py = sy[s];
            var pz = sz[s];
            var hitCount = 0;
            for (var k = 0; k < probeCount; k++)
            {
                for (var o = table.First(probe[k]); o >= 0; o = next[o])
                {
                    if (ChordMetric.ChordSquared(px, py, pz, ox[o], oy[o], oz[o]) <= limit)
                    {
                        if (hitCount == hits.Length)
                        {
                            Array.Resize(ref hits, hits.Length * 2);
                        }

                        hits[hitCount++] = o;
                    }
                }
            }

            if (hitCount > 0)
            {
                // Pixels are distinct, so rows are distinct; ascending rows let the exact filter skip its sort.
                var span = hits.AsSpan(0, hitCount);
                if (hitCount > 1)
                {
                    span.Sort();
                }

                result.AddRange(s, span);
            }
        }

        return result;
    }

    /// <summary>The pixel and its neighbours, deduplicated, with the -1 of a missing neighbour skipped.</summary>
    internal static int Probes(int depth, long pixel, Span<long> probe)
    {
        Span<long> neighbours = stackalloc long[8];
        HealpixNested.Neighbours(depth, pixel, neighbours);
        var count = 0;
        probe[count++] = pixel;
        foreach (var neighbour in neighbours)
        {
            if (neighbour >= 0 && probe[..count].IndexOf(neighbour) < 0)
            {
                probe[count++] = neighbour;
            }
        }

        return count;
    }

    /// <summary>Open-addressing map from pixel id to the first object row of its chain (linear probing, load &lt;= 1/2).</summary>
    private sealed class PixelTable
    {
        private readonly long[] _keys;
        private readonly int[] _heads;
        private readonly int _shift;
        private readonly int _mask;

        public PixelTable(int count)
        {
            var capacity = (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, 2 * count)));
            _keys = new long[capacity];
            _heads = new int[capacity];
            Array.Fill(_keys, -1L);
            _mask = capacity - 1;
            _shift = 64 - System.Numerics.BitOperations.Log2((uint)capacity);
        }

        /// <summary>Makes <paramref name="row"/> the head of the pixel's chain; returns the previous head (-1 if none).</summary>
        public int Prepend(long pixel, int row)
        {
            var i = Slot(pixel);
            while (true)
            {
                var key = _keys[i];
                if (key == pixel)
                {
                    var previous = _heads[i];
                    _heads[i] = row;
                    return previous;
                }

                if (key < 0)
                {
                    _keys[i] = pixel;
                    _heads[i] = row;
                    return -1;
                }

                i = (i + 1) & _mask;
            }
        }

        public int First(long pixel)
        {
            var i = Slot(pixel);
            while (true)
            {
                var key = _keys[i];
                if (key == pixel)
                {
                    return _heads[i];
                }

                if (key < 0)
                {
                    return -1;
                }

                i = (i + 1) & _mask;
            }
        }

        private int Slot(long pixel) => (int)(((ulong)pixel * 0x9E3779B97F4A7C15UL) >> _shift);
    }
}
