using System.Runtime.InteropServices;

namespace Apdb.Simulation;

/// <summary>One simulated DiaForcedSource: forced photometry at a DiaObject's position in one visit.</summary>
[StructLayout(LayoutKind.Auto)]
#pragma warning disable CA1051, CA1815 // A plain row record: public fields, no value equality needed on the hot path.
public struct DiaForcedSourceRow
{
    /// <summary><c>diaForcedSourceId</c>.</summary>
    public long DiaForcedSourceId;

    /// <summary><c>diaObjectId</c>.</summary>
    public long DiaObjectId;

    /// <summary><c>ra</c>, degrees (the object's position).</summary>
    public double Ra;

    /// <summary><c>dec</c>, degrees.</summary>
    public double Dec;

    /// <summary><c>visit</c>.</summary>
    public long Visit;

    /// <summary><c>midpointMjdTai</c>.</summary>
    public double MidpointMjdTai;

    /// <summary><c>timeProcessedMjdTai</c>.</summary>
    public double TimeProcessedMjdTai;

    /// <summary><c>pixelId</c>.</summary>
    public long PixelId;

    /// <summary><c>psfFlux</c> on the difference image, nJy.</summary>
    public float PsfFlux;

    /// <summary><c>psfFluxErr</c>, nJy.</summary>
    public float PsfFluxErr;

    /// <summary><c>scienceFlux</c> on the calibrated exposure, nJy.</summary>
    public float ScienceFlux;

    /// <summary><c>scienceFluxErr</c>, nJy.</summary>
    public float ScienceFluxErr;

    /// <summary><c>detector</c>.</summary>
    public short Detector;

    /// <summary>Band index 0-5.</summary>
    public byte Band;
}
#pragma warning restore CA1051, CA1815
