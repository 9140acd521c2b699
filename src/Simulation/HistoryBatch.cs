namespace Apdb.Simulation;

/// <summary>
/// A slice of the history in time order: the rows of a few consecutive visits of one 30-day month, ready to copy.
/// The last batch (<see cref="IsFinal"/>) carries the still-open DiaObject versions and the DiaObjectLast rows.
/// </summary>
public sealed class HistoryBatch
{
    internal HistoryBatch(int month, int visitsDone, DiaSourceRow[] sources, DiaObjectRow[] objects, DiaForcedSourceRow[] forcedSources, VisitDetectorRow[] visitDetectors, DiaObjectRow[]? lastObjects)
    {
        Month = month;
        VisitsDone = visitsDone;
        Sources = sources;
        Objects = objects;
        ForcedSources = forcedSources;
        VisitDetectors = visitDetectors;
        LastObjects = lastObjects ?? [];
        IsFinal = lastObjects is not null;
    }

    /// <summary>The same batch counted after <paramref name="visitsBefore"/> visits of earlier fields (a tiled preset's history).</summary>
    internal HistoryBatch AfterVisits(int visitsBefore) =>
        visitsBefore == 0 ? this : new(Month, VisitsDone + visitsBefore, Sources, Objects, ForcedSources, VisitDetectors, IsFinal ? LastObjects : null);

    /// <summary>The 30-day partition (floor(MJD / 30)) of every source and forced source in the batch; -1 when there are none.</summary>
    public int Month { get; }

    /// <summary>Visits fully generated once this batch is consumed.</summary>
    public int VisitsDone { get; }

    /// <summary>DiaSources, in visit then detector order.</summary>
    public DiaSourceRow[] Sources { get; }

    /// <summary>DiaObject versions whose validity is settled: closed by a newer version in this batch, or one-offs.</summary>
    public DiaObjectRow[] Objects { get; }

    /// <summary>DiaForcedSources.</summary>
    public DiaForcedSourceRow[] ForcedSources { get; }

    /// <summary>Detector-visits stored by these visits.</summary>
    public VisitDetectorRow[] VisitDetectors { get; }

    /// <summary>In the final batch (of a field): one row per DiaObject (its last version), ordered by pixelId; else empty.</summary>
    public DiaObjectRow[] LastObjects { get; }

    /// <summary>Whether this is the last batch (of a field, for a tiled preset).</summary>
    public bool IsFinal { get; }
}
