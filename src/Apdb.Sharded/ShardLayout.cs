using System.Globalization;
using System.Text.Json;
using Apdb.Sky;

namespace Apdb.Sharded;

/// <summary>
/// Which shard owns which part of the sky, in one of two forms. <b>Contiguous</b>: the depth-29 <c>pixelId</c> line
/// (HEALPix NESTED) cut at <see cref="Boundaries"/> into ranges, shard <c>i</c> owning [<c>Start(i)</c>, <c>End(i)</c>),
/// every cut on a pixel of <see cref="Depth"/>. <b>Interleaved</b>: the pixels of <see cref="Depth"/> dealt round-robin,
/// pixel <c>p</c> to shard <c>p mod N</c>, so every region larger than a few coarse pixels (a visit's field) spreads
/// over all N shards wherever it is on the sky. Either way each shard holds whole coarse pixels, and a row's shard
/// follows from its own <c>pixelId</c>: DiaSources, DiaForcedSources, DiaObject versions and DiaObjectLast rows each
/// live where their position is.
/// </summary>
public sealed class ShardLayout : IEquatable<ShardLayout>
{
    /// <summary>The coarse depth the cuts are aligned to by default: pixels about 3.4 arcmin across.</summary>
    public const int DefaultDepth = 10;

    /// <summary>
    /// The depth an interleaved layout deals out by default: pixels about 27 arcmin across, so a detector's padded
    /// region (about 16 arcmin) touches one to four of them, and a 9.6 deg^2 field about 46.
    /// </summary>
    public const int DefaultInterleaveDepth = 7;

    /// <summary>The end of the depth-29 pixel id line.</summary>
    public static readonly long PixelLimit = HealpixNested.PixelCount(HealpixNested.MaxDepth);

    private readonly long[] _boundaries;
    private readonly int _interleave;

    /// <summary>A layout of <c>boundaries.Count + 1</c> shards.</summary>
    /// <exception cref="ApdbUserException">A boundary is not on a depth-<paramref name="depth"/> pixel, out of range, or not increasing.</exception>
    public ShardLayout(int depth, IReadOnlyList<long> boundaries)
    {
        ArgumentNullException.ThrowIfNull(boundaries);
        if (depth is < 0 or > HealpixNested.MaxDepth)
        {
            throw new ApdbUserException($"shard layout: depth {depth} is outside [0, {HealpixNested.MaxDepth}]");
        }

        var step = 1L << (2 * (HealpixNested.MaxDepth - depth));
        for (var i = 0; i < boundaries.Count; i++)
        {
            var b = boundaries[i];
            if (b <= 0 || b >= PixelLimit || b % step != 0 || (i > 0 && b <= boundaries[i - 1]))
            {
                throw new ApdbUserException(
                    $"shard layout: boundary {i} = {b} must be increasing, inside (0, {PixelLimit}) and on a depth-{depth} pixel (a multiple of {step})");
            }
        }

        Depth = depth;
        _boundaries = [.. boundaries];
    }

    private ShardLayout(int depth, int interleave)
    {
        Depth = depth;
        _boundaries = [];
        _interleave = interleave;
    }

    /// <summary>
    /// <paramref name="shards"/> shards each owning every <paramref name="shards"/>-th pixel of <paramref name="depth"/>
    /// (round-robin in NESTED order), so any field spreads over all of them.
    /// </summary>
    public static ShardLayout Interleaved(int shards, int depth = DefaultInterleaveDepth)
    {
        if (shards is < 1 or > 256)
        {
            throw new ApdbUserException($"--shards {shards} is outside 1-256");
        }

        // Finer than depth 16 (3.2") a pixel's neighbours no longer surely hold every row of the objects near it.
        if (depth is < 1 or > 16)
        {
            throw new ApdbUserException($"shard layout: an interleaved depth of {depth} is outside 1-16");
        }

        return new ShardLayout(depth, shards);
    }

    /// <summary>Whether the coarse pixels are dealt round-robin (else the shards own contiguous ranges).</summary>
    public bool IsInterleaved => _interleave > 0;

    /// <summary>The depth the cuts are aligned to.</summary>
    public int Depth { get; }

    /// <summary>The cuts of a contiguous layout: shard <c>i</c> starts at <c>Boundaries[i - 1]</c> (0 for the first); empty when interleaved.</summary>
    public IReadOnlyList<long> Boundaries => _boundaries;

    /// <summary>The number of shards.</summary>
    public int ShardCount => IsInterleaved ? _interleave : _boundaries.Length + 1;

    /// <summary>First depth-29 pixel id of a shard of a contiguous layout.</summary>
    /// <exception cref="InvalidOperationException">The layout is interleaved: a shard owns many ranges.</exception>
    public long Start(int shard) => IsInterleaved ? throw NotContiguous() : shard == 0 ? 0 : _boundaries[shard - 1];

    /// <summary>End (exclusive) of a shard's depth-29 pixel ids in a contiguous layout.</summary>
    /// <exception cref="InvalidOperationException">The layout is interleaved: a shard owns many ranges.</exception>
    public long End(int shard) => IsInterleaved ? throw NotContiguous() : shard == _boundaries.Length ? PixelLimit : _boundaries[shard];

    /// <summary>The shard that owns a depth-29 pixel id.</summary>
    public int ShardOf(long pixelId)
    {
        if (IsInterleaved)
        {
            return (int)((pixelId >> (2 * (HealpixNested.MaxDepth - Depth))) % _interleave);
        }

        var i = Array.BinarySearch(_boundaries, pixelId);
        return i >= 0 ? i + 1 : ~i;
    }

    /// <summary>
    /// The SQL expression over <c>"pixelId"</c> whose value is a row's shard in an interleaved layout (the coordinator's
    /// list-partition key).
    /// </summary>
    public string ShardExpression => IsInterleaved
        ? string.Create(CultureInfo.InvariantCulture, $"((\"pixelId\" >> {2 * (HealpixNested.MaxDepth - Depth)}) % {_interleave})")
        : throw NotContiguous();

    private static InvalidOperationException NotContiguous() => new("an interleaved layout has no single pixel range per shard");

    /// <summary>The shards owning any pixel of a coverage (at any depth), in ascending order.</summary>
    public IReadOnlyList<int> ShardsOf(PixelCoverage coverage)
    {
        ArgumentNullException.ThrowIfNull(coverage);
        if (IsInterleaved)
        {
            return InterleavedShardsOf(coverage);
        }

        var shift = 2 * (HealpixNested.MaxDepth - coverage.Depth);
        var touched = new SortedSet<int>();
        foreach (var range in coverage.Ranges)
        {
            var first = ShardOf(range.Start << shift);
            var last = ShardOf((range.End << shift) - 1);
            for (var s = first; s <= last; s++)
            {
                touched.Add(s);
            }
        }

        return [.. touched];
    }

    private int[] InterleavedShardsOf(PixelCoverage coverage)
    {
        var touched = new SortedSet<int>();
        foreach (var range in coverage.Ranges)
        {
            // The range at the layout's depth: coarser coverage pixels widen to all their children, finer ones narrow.
            var (first, last) = coverage.Depth >= Depth
                ? (range.Start >> (2 * (coverage.Depth - Depth)), (range.End - 1) >> (2 * (coverage.Depth - Depth)))
                : (range.Start << (2 * (Depth - coverage.Depth)), (range.End << (2 * (Depth - coverage.Depth))) - 1);
            if (last - first + 1 >= _interleave)
            {
                return [.. Enumerable.Range(0, _interleave)];
            }

            for (var p = first; p <= last; p++)
            {
                touched.Add((int)(p % _interleave));
            }
        }

        return [.. touched];
    }

    /// <summary>
    /// The shards that may hold rows of objects near these positions: the owners of each position's coarse pixel and
    /// its 8 neighbours. An object's versions and sources lie within arcseconds of each other, far less than a
    /// coarse pixel (at least <see cref="HealpixNested.MinPixelWidthDeg"/> of <see cref="Depth"/>).
    /// </summary>
    public IReadOnlyList<int> ShardsNear(IEnumerable<long> pixelIds)
    {
        ArgumentNullException.ThrowIfNull(pixelIds);
        var touched = new SortedSet<int>();
        var coarse = new HashSet<long>();
        var shift = 2 * (HealpixNested.MaxDepth - Depth);
        Span<long> neighbours = stackalloc long[8];
        foreach (var p in pixelIds)
        {
            var c = p >> shift;
            if (!coarse.Add(c))
            {
                continue;
            }

            touched.Add(ShardOf(c << shift));
            HealpixNested.Neighbours(Depth, c, neighbours);
            foreach (var n in neighbours)
            {
                if (n >= 0)
                {
                    touched.Add(ShardOf(n << shift));
                }
            }

            if (touched.Count == ShardCount)
            {
                break;
            }
        }

        return [.. touched];
    }

    /// <summary>
    /// <paramref name="shards"/> shards over the sky. Without a field, each owns an equal share of the depth-
    /// <paramref name="depth"/> pixels; with one, the pixels covering the field are shared out equally (so a survey
    /// region is split evenly) and the sky outside goes to the first and last shards.
    /// </summary>
    public static ShardLayout Balanced(int shards, ISkyRegion? field = null, int depth = DefaultDepth)
    {
        if (shards is < 1 or > 256)
        {
            throw new ApdbUserException($"--shards {shards} is outside 1-256");
        }

        var step = 1L << (2 * (HealpixNested.MaxDepth - depth));
        List<long> pixels;
        if (field is null)
        {
            var count = HealpixNested.PixelCount(depth);
            return new ShardLayout(depth, [.. Enumerable.Range(1, shards - 1).Select(i => count * i / shards * step)]);
        }

        pixels = [.. field.CoverageAtDepth(depth).Ranges.SelectMany(r => LongRange(r.Start, r.End))];
        if (pixels.Count < shards)
        {
            throw new ApdbUserException(
                $"shard field covers {pixels.Count} depth-{depth} pixels, fewer than the {shards} shards asked for: widen the field");
        }

        return new ShardLayout(depth, [.. Enumerable.Range(1, shards - 1).Select(i => pixels[pixels.Count * i / shards] * step)]);
    }

    private static IEnumerable<long> LongRange(long start, long end)
    {
        for (var p = start; p < end; p++)
        {
            yield return p;
        }
    }

    /// <summary>The layout as the JSON kept in each server's <c>metadata</c> table.</summary>
    public string ToJson() => JsonSerializer.Serialize(new LayoutDocument(Depth, IsInterleaved ? null : _boundaries, IsInterleaved ? _interleave : null));

    /// <summary>Reads <see cref="ToJson"/>'s output.</summary>
    public static ShardLayout FromJson(string json)
    {
        var doc = JsonSerializer.Deserialize<LayoutDocument>(json) ?? throw new ApdbUserException("shard layout: empty metadata value");
        return doc.Interleave is { } n ? Interleaved(n, doc.Depth) : new ShardLayout(doc.Depth, doc.Boundaries ?? []);
    }

    /// <inheritdoc />
    public bool Equals(ShardLayout? other) =>
        other is not null && other.Depth == Depth && other._interleave == _interleave && other._boundaries.AsSpan().SequenceEqual(_boundaries);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ShardLayout);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Depth, _interleave, _boundaries.Length, _boundaries.Length > 0 ? _boundaries[0] : 0);

    /// <inheritdoc />
    public override string ToString() => IsInterleaved
        ? string.Create(CultureInfo.InvariantCulture, $"{ShardCount} shards interleaved: depth-{Depth} pixels dealt round-robin")
        : string.Create(CultureInfo.InvariantCulture, $"{ShardCount} shards at depth {Depth}: cuts {string.Join(", ", _boundaries)}");

    private sealed record LayoutDocument(int Depth, long[]? Boundaries, int? Interleave = null);
}
