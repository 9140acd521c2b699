using System.Runtime.InteropServices;

namespace Apdb.Simulation;

/// <summary>
/// One DiaObject version with the pipeline's summaries over its DiaSources up to that version. A float that is NaN
/// is written as NULL (Rubin's summaries are null where undefined, e.g. a sigma of one point).
/// </summary>
[StructLayout(LayoutKind.Auto)]
#pragma warning disable CA1051, CA1815 // A plain row record: public fields, no value equality needed on the hot path.
public struct DiaObjectRow
{
    /// <summary><c>diaObjectId</c>.</summary>
    public long DiaObjectId;

    /// <summary><c>validityStartMjdTai</c>: the time of the visit that made this version.</summary>
    public double ValidityStartMjdTai;

    /// <summary><c>validityEndMjdTai</c>; NaN = NULL (the current version).</summary>
    public double ValidityEndMjdTai;

    /// <summary><c>ra</c>, degrees: the mean position of the sources.</summary>
    public double Ra;

    /// <summary><c>dec</c>, degrees.</summary>
    public double Dec;

    /// <summary><c>firstDiaSourceMjdTai</c>.</summary>
    public double FirstDiaSourceMjdTai;

    /// <summary><c>lastDiaSourceMjdTai</c>.</summary>
    public double LastDiaSourceMjdTai;

    /// <summary><c>pixelId</c>.</summary>
    public long PixelId;

    /// <summary><c>raErr</c>, degrees.</summary>
    public float RaErr;

    /// <summary><c>decErr</c>, degrees.</summary>
    public float DecErr;

    /// <summary><c>ra_dec_Cov</c>, degrees^2.</summary>
    public float RaDecCov;

    /// <summary><c>nDiaSources</c>.</summary>
    public int NDiaSources;

    /// <summary><c>{band}_psfFluxMean</c>: inverse-variance weighted mean, nJy.</summary>
    public BandFloats PsfFluxMean;

    /// <summary><c>{band}_psfFluxMeanErr</c>.</summary>
    public BandFloats PsfFluxMeanErr;

    /// <summary><c>{band}_psfFluxSigma</c>: standard deviation with ddof = 1.</summary>
    public BandFloats PsfFluxSigma;

    /// <summary><c>{band}_psfFluxNdata</c>.</summary>
    public BandInts PsfFluxNdata;

    /// <summary><c>{band}_scienceFluxMean</c>: inverse-variance weighted mean, nJy.</summary>
    public BandFloats ScienceFluxMean;

    /// <summary><c>{band}_scienceFluxMeanErr</c>.</summary>
    public BandFloats ScienceFluxMeanErr;

    /// <summary><c>{band}_psfFluxMin</c>.</summary>
    public BandFloats PsfFluxMin;

    /// <summary><c>{band}_psfFluxMax</c>.</summary>
    public BandFloats PsfFluxMax;

    /// <summary><c>{band}_psfFluxMaxSlope</c>: the largest time-ordered delta flux / delta time, nJy/day.</summary>
    public BandFloats PsfFluxMaxSlope;

    /// <summary><c>{band}_psfFluxErrMean</c>.</summary>
    public BandFloats PsfFluxErrMean;
}
#pragma warning restore CA1051, CA1815
