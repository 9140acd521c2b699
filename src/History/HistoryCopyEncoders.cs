using Apdb.Simulation;

namespace Apdb.History;

/// <summary>
/// The simulation's row structs as binary COPY rows: each Rubin table through its generated column map
/// (<see cref="Records.DiaSourceColumns"/> and friends) over the row's view (<see cref="SimulatedDiaSource"/> and friends),
/// straight from the structs.
/// </summary>
internal static class HistoryCopyEncoders
{
    public static IReadOnlyList<string> DiaSourceColumns => Records.DiaSourceColumns.Names;

    public static IReadOnlyList<string> DiaObjectColumns => Records.DiaObjectColumns.Names;

    public static IReadOnlyList<string> DiaObjectLastColumns => Records.DiaObjectLastColumns.Names;

    public static IReadOnlyList<string> DiaForcedSourceColumns => Records.DiaForcedSourceColumns.Names;

    public static IReadOnlyList<string> VisitDetectorColumns { get; } =
        ["visit", "detector", "visitMjdTai", "nDiaObjects", "nDiaSources", "nDiaForcedSources"];

    public static void Encode(ReadOnlySpan<DiaSourceRow> rows, CopyBuffer b)
    {
        foreach (ref readonly var r in rows)
        {
            Records.DiaSourceColumns.WriteCopyRow(b, new SimulatedDiaSource(in r));
        }
    }

    public static void Encode(ReadOnlySpan<DiaObjectRow> rows, CopyBuffer b)
    {
        foreach (ref readonly var r in rows)
        {
            Records.DiaObjectColumns.WriteCopyRow(b, new SimulatedDiaObject(in r));
        }
    }

    public static void EncodeLast(ReadOnlySpan<DiaObjectRow> rows, CopyBuffer b)
    {
        foreach (ref readonly var r in rows)
        {
            Records.DiaObjectLastColumns.WriteCopyRow(b, new SimulatedDiaObject(in r));
        }
    }

    public static void Encode(ReadOnlySpan<DiaForcedSourceRow> rows, CopyBuffer b)
    {
        foreach (ref readonly var r in rows)
        {
            Records.DiaForcedSourceColumns.WriteCopyRow(b, new SimulatedDiaForcedSource(in r));
        }
    }

    /// <summary>The registry table <c>apdb_visit_detector</c> is this APDB's own, not a Rubin table in the schema TSV.</summary>
    public static void Encode(ReadOnlySpan<VisitDetectorRow> rows, CopyBuffer b)
    {
        foreach (ref readonly var r in rows)
        {
            b.StartRow(6, 60);
            b.Int64(r.Visit);
            b.Int16(r.Detector);
            b.Float8(r.VisitMjdTai);
            b.Int32(r.NDiaObjects);
            b.Int32(r.NDiaSources);
            b.Int32(r.NDiaForcedSources);
        }
    }
}
