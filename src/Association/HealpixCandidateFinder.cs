using Apdb.Sky;

namespace Apdb.Association;

/// <summary>
/// The in-memory O(N+M) strategy ("memory"): the probe depth is the deepest whose every pixel is wider than the radius;
/// each source's candidates are the objects in the cells (64-pixel groups) holding its pixel and that pixel's (7 or 8)
/// neighbours; a source off its cell's border needs only its own cell. Objects and sources are put in pixel order by a radix sort, so memory is read in sequence.
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

    // Objects are grouped in cells this many depths above the probe depth (8^2 = 64 pixels a cell).
    internal const int CellLevels = 3;

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
        MatchRadius.Check(radiusArcsec);
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

        // Objects sorted by cell (the pixel three depths up: 64 pixels, about 5 objects at 1e5 per deg^2 and a 1" radius;
        // faster than 16-pixel cells from 1e4 to 1e6 objects (benchmarks/RESULTS.md, association), and still cheap to
        // scan at ten times that density), their coordinates gathered in that order, and a
        // table from cell to the first object of its run. Sources are visited in pixel order, so consecutive sources
        // probe the same few cells and read contiguous objects: memory traffic stays sequential at any N, where
        // per-pixel buckets visited in catalog order miss the cache on almost every probe once N passes ~1e5.
        var cellShift = depth >= CellLevels ? 2 * CellLevels : 2 * depth;
        var no = objects.Count;
        var (objectOrder, ox, oy, oz, cellKeys, table) = IndexObjects(objects, depth, cellShift);
        cancellationToken.ThrowIfCancellationRequested();
        var ns = sources.Count;
        var (sourceOrder, sx, sy, sz, spix) = GatherSources(sources, depth);
        var result = new CandidateSet(ns + (ns / 4));
        Span<long> probe = stackalloc long[9];
        Span<long> cells = stackalloc long[9];
        var hits = new int[16];
        for (var k = 0; k < ns; k++)
        {
            if ((k & 4095) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var cellCount = 0;
            if (cellShift == 2 * CellLevels && IsInsideItsCell(spix[k], CellLevels))
            {
                // All eight neighbours lie in the pixel's own cell: no neighbour computation needed.
                cells[cellCount++] = spix[k] >> cellShift;
            }
            else
            {
                var probeCount = Probes(depth, spix[k], probe);
                for (var j = 0; j < probeCount; j++)
                {
                    var cell = probe[j] >> cellShift;
                    if (cells[..cellCount].IndexOf(cell) < 0)
                    {
                        cells[cellCount++] = cell;
                    }
                }
            }

            var px = sx[k];
            var py = sy[k];
            var pz = sz[k];
            var hitCount = 0;
            for (var j = 0; j < cellCount; j++)
            {
                var cell = cells[j];
                for (var i = table.First(cell); i >= 0 && i < no && cellKeys[i] == cell; i++)
                {
                    if (ChordMetric.ChordSquared(px, py, pz, ox[i], oy[i], oz[i]) <= limit)
                    {
                        if (hitCount == hits.Length)
                        {
                            Array.Resize(ref hits, hits.Length * 2);
                        }

                        hits[hitCount++] = objectOrder[i];
                    }
                }
            }

            if (hitCount > 0)
            {
                // Cells are distinct, so rows are distinct; ascending rows let the exact filter skip its sort.
                var span = hits.AsSpan(0, hitCount);
                if (hitCount > 1)
                {
                    span.Sort();
                }

                result.AddRange(sourceOrder[k], span);
            }
        }

        return result;
    }

    /// <summary>
    /// The objects sorted by cell, their unit vectors gathered in that order, each one's cell, and the table from a cell
    /// to the first object of its run.
    /// </summary>
    private static (int[] Order, double[] X, double[] Y, double[] Z, long[] CellKeys, PixelTable Table) IndexObjects(Catalog objects, int depth, int cellShift)
    {
        var no = objects.Count;
        var objectCell = new long[no];
        HealpixNested.Hash(depth, objects.RaDeg, objects.DecDeg, objectCell);
        for (var o = 0; o < no; o++)
        {
            objectCell[o] >>= cellShift;
        }

        var objectOrder = PixelOrder.Sort(objectCell);
        var (ox, oy, oz, cellKeys) = GatherInOrder(objects, objectCell, objectOrder);
        var table = new PixelTable(no);
        for (var i = 0; i < no; i++)
        {
            if (i == 0 || cellKeys[i] != cellKeys[i - 1])
            {
                table.Add(cellKeys[i], i);
            }
        }

        return (objectOrder, ox, oy, oz, cellKeys, table);
    }

    /// <summary>The unit vectors of <paramref name="catalog"/> and <paramref name="pixel"/>, gathered in <paramref name="order"/>.</summary>
    private static (double[] X, double[] Y, double[] Z, long[] Pixel) GatherInOrder(Catalog catalog, long[] pixel, int[] order)
    {
        var n = order.Length;
        var x = new double[n];
        var y = new double[n];
        var z = new double[n];
        var gathered = new long[n];
        var catalogX = catalog.X;
        var catalogY = catalog.Y;
        var catalogZ = catalog.Z;
        for (var k = 0; k < n; k++)
        {
            var c = order[k];
            x[k] = catalogX[c];
            y[k] = catalogY[c];
            z[k] = catalogZ[c];
            gathered[k] = pixel[c];
        }

        return (x, y, z, gathered);
    }

    /// <summary>
    /// The sources in pixel order with their unit vectors and pixels gathered once in that order: a plain gather
    /// overlaps its cache misses, the probe loop would not.
    /// </summary>
    private static (int[] Order, double[] X, double[] Y, double[] Z, long[] Pixel) GatherSources(Catalog sources, int depth)
    {
        var ns = sources.Count;
        var sourcePixel = new long[ns];
        HealpixNested.Hash(depth, sources.RaDeg, sources.DecDeg, sourcePixel);
        var sourceOrder = PixelOrder.Sort(sourcePixel);
        var (sx, sy, sz, spix) = GatherInOrder(sources, sourcePixel, sourceOrder);
        return (sourceOrder, sx, sy, sz, spix);
    }

    /// <summary>
    /// Whether a pixel lies off the border of its cell (the 2^levels x 2^levels block of its ancestor
    /// <paramref name="levels"/> depths up): its neighbours then all lie in the same cell, since a cell never straddles
    /// base pixels. In the NESTED id the low 2 x levels bits interleave the pixel's x (even bits) and y (odd bits)
    /// within the cell.
    /// </summary>
    internal static bool IsInsideItsCell(long pixel, int levels)
    {
        var x = 0;
        var y = 0;
        for (var b = 0; b < levels; b++)
        {
            x |= (int)((pixel >> (2 * b)) & 1) << b;
            y |= (int)((pixel >> ((2 * b) + 1)) & 1) << b;
        }

        var last = (1 << levels) - 1;
        return x > 0 && x < last && y > 0 && y < last;
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

    /// <summary>Open-addressing map from a cell id to the first row of its run (linear probing, load &lt;= 1/2).</summary>
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

        /// <summary>Records the first row of a cell's run; each cell is added once.</summary>
        public void Add(long cell, int row)
        {
            var i = Slot(cell);
            while (_keys[i] >= 0)
            {
                i = (i + 1) & _mask;
            }

            _keys[i] = cell;
            _heads[i] = row;
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
