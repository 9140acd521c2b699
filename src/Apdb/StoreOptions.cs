namespace Apdb;

/// <summary>Options of the store methods of <see cref="ApdbStore"/>.</summary>
public sealed class StoreOptions
{
    /// <summary>The default: refuse a detector-visit that is already stored.</summary>
    public static StoreOptions Default { get; } = new();

    /// <summary>
    /// Delete a detector-visit already stored and write it again, in the same transaction: its DiaSources and
    /// DiaForcedSources, and the DiaObject versions that store created for objects with sources on it (their previous
    /// versions become current again), are removed first.
    /// </summary>
    public bool ReplaceExisting { get; init; }

    /// <summary>
    /// The history window, in 30-day months, over which an <see cref="IDiaObjectSummarizer"/> store summarises an
    /// object: the sources with <c>midpointMjdTai</c> in (start - 30 months, start] of each version. Rubin's is 12.
    /// </summary>
    public int HistoryMonths { get; init; } = DefaultHistoryMonths;

    /// <summary>Rubin's read window, 12 months: what DiaPipe preloads and what a version summarises.</summary>
    public const int DefaultHistoryMonths = 12;
}
