using System.Runtime.InteropServices;

namespace Apdb.Simulation;

/// <summary>One detector-visit of the history with the rows it stored (the <c>apdb_visit_detector</c> registry).</summary>
[StructLayout(LayoutKind.Auto)]
#pragma warning disable CA1051, CA1815 // A plain row record.
public struct VisitDetectorRow
{
    /// <summary>Visit id.</summary>
    public long Visit;

    /// <summary>The visit's midpoint, MJD TAI.</summary>
    public double VisitMjdTai;

    /// <summary>DiaObject versions written.</summary>
    public int NDiaObjects;

    /// <summary>DiaSources written.</summary>
    public int NDiaSources;

    /// <summary>DiaForcedSources written.</summary>
    public int NDiaForcedSources;

    /// <summary>Detector id.</summary>
    public short Detector;
}
#pragma warning restore CA1051, CA1815
