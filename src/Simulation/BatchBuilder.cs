namespace Apdb.Simulation;

/// <summary>Collects the rows of one batch.</summary>
internal sealed class BatchBuilder
{
    public List<DiaSourceRow> Sources { get; } = [];

    public List<DiaObjectRow> Objects { get; } = [];

    public List<DiaForcedSourceRow> Forced { get; } = [];

    public List<VisitDetectorRow> VisitDetectors { get; } = [];

    public HistoryBatch Build(int month, int visitsDone, DiaObjectRow[]? last) =>
        new(Sources.Count + Forced.Count > 0 ? month : -1, visitsDone, [.. Sources], [.. Objects], [.. Forced], [.. VisitDetectors], last);
}
