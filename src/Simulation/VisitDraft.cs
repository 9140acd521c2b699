using System.Runtime.InteropServices;

namespace Apdb.Simulation;

/// <summary>The measurements of one visit before association: detections and forced-photometry candidates.</summary>
internal sealed class VisitDraft(Visit visit)
{
    public Visit Visit { get; } = visit;

    public List<Detection> Detections { get; } = [];

    public List<ForcedDraft> Forced { get; } = [];
}

/// <summary>One detection: what it really is and its measured row (ids filled at association).</summary>
[StructLayout(LayoutKind.Auto)]
internal struct Detection
{
    public TruthKind Kind;
    public int TruthIndex;
    public DiaSourceRow Row;
}

/// <summary>Forced photometry of a truth object that fell on a detector in a visit.</summary>
[StructLayout(LayoutKind.Auto)]
internal struct ForcedDraft
{
    public TruthKind Kind;
    public int TruthIndex;
    public short Detector;
    public float PsfFlux, PsfFluxErr, ScienceFlux, ScienceFluxErr;
}
