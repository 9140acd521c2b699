using System.Globalization;
using System.Text.Json;
using Apdb.Sky;

namespace Apdb.Sharded;

/// <summary>
/// Which shard owns which part of the sky: the depth-29 <c>pixelId</c> line (HEALPix NESTED) cut at
/// <see cref="Boundaries"/> into contiguous ranges, shard <c>i</c> owning [<c>Start(i)</c>, <c>End(i)</c>). Every cut
/// falls on a pixel of <see cref="Depth"/>, so each shard holds whole coarse pixels, and a row's shard follows from its
/// own <c>pixelId</c>: DiaSources, DiaForcedSources, DiaObject versions and DiaObjectLast rows each live where their
/// position is.
/// </summary>
public sealed class ShardLayout : IEquatable<ShardLayout>
{
    /// <summary>The coarse depth the cuts are aligned to by default: pixels about 3.4 arcmin across.</summary>
    public const int DefaultDepth = 10;

    /// <summary>The end of the depth-29 pixel id line.</summary>
    public static readonly long PixelLimit = HealpixNested.PixelCount(HealpixNested.MaxDepth);

    private readonly long[] _boundaries;

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

    /// <summary>The depth the cuts are aligned to.</summary>
    public int Depth { get; }

    /// <summary>The cuts: shard <c>i</c> starts at <c>Boundaries[i - 1]</c> (0 for the first).</summary>
    public IReadOnlyList<long> Boundaries => _boundaries;

    /// <summary>The number of shards.</summary>
    public int ShardCount => _boundaries.Length + 1;

    /// <summary>First depth-29 pixel id of a shard.</summary>
    public long Start(int shard) => shard == 0 ? 0 : _boundaries[shard - 1];

    /// <summary>End (exclusive) of a shard's depth-29 pixel ids.</summary>
    public long End(int shard) => shard == _boundaries.Length ? PixelLimit : _boundaries[shard];

    /// <summary>The shard that owns a depth-29 pixel id.</summary>
    public int ShardOf(long pixelId)
    {
        var i = Array.BinarySearch(_boundaries, pixelId);
        return i >= 0 ? i + 1 : ~i;
    }

    /// <summary>The shards owning any pixel of a coverage (at any depth), in ascending order.</summary>
    public IReadOnlyList<int> ShardsOf(PixelCoverage coverage)
    {
        ArgumentNullException.ThrowIfNull(coverage);
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
    public string ToJson() => JsonSerializer.Serialize(new LayoutDocument(Depth, _boundaries));

    /// <summary>Reads <see cref="ToJson"/>'s output.</summary>
    public static ShardLayout FromJson(string json)
    {
        var doc = JsonSerializer.Deserialize<LayoutDocument>(json) ?? throw new ApdbUserException("shard layout: empty metadata value");
        return new ShardLayout(doc.Depth, doc.Boundaries ?? []);
    }

    /// <inheritdoc />
    public bool Equals(ShardLayout? other) => other is not null && other.Depth == Depth && other._boundaries.AsSpan().SequenceEqual(_boundaries);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ShardLayout);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Depth, _boundaries.Length, _boundaries.Length > 0 ? _boundaries[0] : 0);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{ShardCount} shards at depth {Depth}: cuts {string.Join(", ", _boundaries)}");

    private sealed record LayoutDocument(int Depth, long[]? Boundaries);
}
