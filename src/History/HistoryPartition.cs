namespace Apdb.History;

/// <summary>
/// The part of a history one server of a sharded APDB holds: rows whose <c>pixelId</c> is in [<see cref="PixelStart"/>,
/// <see cref="PixelEnd"/>), and the detector-visit registry when <see cref="Registry"/> is set (one server holds it,
/// so each detector-visit is registered once across the shards).
/// </summary>
/// <param name="PixelStart">First depth-29 pixel id held.</param>
/// <param name="PixelEnd">End (exclusive) of the pixel ids held.</param>
/// <param name="Registry">Whether this server receives the <c>apdb_visit_detector</c> rows.</param>
public sealed record HistoryPartition(long PixelStart, long PixelEnd, bool Registry)
{
    /// <summary>
    /// When set, which pixel ids are held, in place of the range: a shard of an interleaved layout owns many ranges.
    /// </summary>
    public Func<long, bool>? Owns { get; init; }

    /// <summary>Whether a row at <paramref name="pixelId"/> belongs here.</summary>
    public bool Holds(long pixelId) => Owns?.Invoke(pixelId) ?? (pixelId >= PixelStart && pixelId < PixelEnd);
}
