namespace Apdb.History;

/// <summary>What a history load wrote and how long each part took.</summary>
/// <param name="Preset">The preset name.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Months">Months of history.</param>
/// <param name="AreaDeg2">The region's area.</param>
/// <param name="Visits">Visits in the history.</param>
/// <param name="Rows">Rows of DiaObject, DiaObjectLast, DiaSource, DiaForcedSource.</param>
/// <param name="Seconds">Wall-clock seconds of each phase.</param>
/// <param name="Tables">Per table (the four above and apdb_visit_detector): rows and COPY seconds.</param>
public sealed record HistoryLoadSummary(
    string Preset,
    long Seed,
    int Months,
    double AreaDeg2,
    int Visits,
    IReadOnlyDictionary<string, long> Rows,
    HistoryLoadSeconds Seconds,
    IReadOnlyDictionary<string, HistoryTableSummary> Tables);

/// <summary>Seconds spent in each phase of a history load.</summary>
/// <param name="Generate">Generating and encoding rows (overlapped with the copy).</param>
/// <param name="Copy">From the first COPY to the last one committed.</param>
/// <param name="Index">Building the indexes and ANALYZE.</param>
/// <param name="Total">The whole load, preparation and bookkeeping included.</param>
public sealed record HistoryLoadSeconds(double Generate, double Copy, double Index, double Total);

/// <summary>One table of a history load.</summary>
/// <param name="Rows">Rows written.</param>
/// <param name="CopySeconds">Wall-clock seconds from the table's first COPY to its last one committed.</param>
public sealed record HistoryTableSummary(long Rows, double CopySeconds);

/// <summary>The phase a history load is in.</summary>
public enum HistoryLoadPhase
{
    /// <summary>Checking the APDB, removing old data, dropping indexes, creating partitions.</summary>
    Preparing,

    /// <summary>Generating and copying rows.</summary>
    Copying,

    /// <summary>Building indexes and ANALYZE.</summary>
    Indexing,

    /// <summary>Committed and recorded as complete.</summary>
    Complete,
}

/// <summary>Progress of a history load.</summary>
/// <param name="Phase">The current phase.</param>
/// <param name="VisitsGenerated">Visits generated so far.</param>
/// <param name="VisitsCopied">Visits whose rows every table has received.</param>
/// <param name="VisitsTotal">Visits in the history.</param>
/// <param name="RowsCopied">Rows sent so far, all tables.</param>
/// <param name="IndexesBuilt">Indexes built so far.</param>
/// <param name="IndexesTotal">Indexes to build.</param>
public sealed record HistoryLoadProgress(
    HistoryLoadPhase Phase, int VisitsGenerated, int VisitsCopied, int VisitsTotal, long RowsCopied, int IndexesBuilt, int IndexesTotal);
