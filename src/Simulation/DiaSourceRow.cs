using System.Runtime.InteropServices;

namespace Apdb.Simulation;

/// <summary>
/// One simulated DiaSource: every column the history gives meaning to, in Rubin's units (degrees, nJy, pixels,
/// MJD TAI). Columns not here are constants or nulls the loader writes (see the loader's column map).
/// </summary>
[StructLayout(LayoutKind.Auto)]
#pragma warning disable CA1051, CA1815 // A plain row record: public fields, no value equality needed on the hot path.
public struct DiaSourceRow
{
    /// <summary><c>diaSourceId</c>.</summary>
    public long DiaSourceId;

    /// <summary><c>visit</c>.</summary>
    public long Visit;

    /// <summary><c>diaObjectId</c>: the object it was associated with (new objects take this source's id).</summary>
    public long DiaObjectId;

    /// <summary><c>midpointMjdTai</c>.</summary>
    public double MidpointMjdTai;

    /// <summary><c>timeProcessedMjdTai</c>.</summary>
    public double TimeProcessedMjdTai;

    /// <summary><c>ra</c>, degrees.</summary>
    public double Ra;

    /// <summary><c>dec</c>, degrees.</summary>
    public double Dec;

    /// <summary><c>trailRa</c>, degrees.</summary>
    public double TrailRa;

    /// <summary><c>trailDec</c>, degrees.</summary>
    public double TrailDec;

    /// <summary><c>pixelId</c>: HEALPix NESTED depth 29 of (ra, dec).</summary>
    public long PixelId;

    /// <summary>Boolean columns, one bit each.</summary>
    public DiaSourceFlags Flags;

    /// <summary><c>raErr</c>, degrees.</summary>
    public float RaErr;

    /// <summary><c>decErr</c>, degrees.</summary>
    public float DecErr;

    /// <summary><c>ra_dec_Cov</c>, degrees^2.</summary>
    public float RaDecCov;

    /// <summary><c>x</c>, pixels.</summary>
    public float X;

    /// <summary><c>xErr</c>, pixels.</summary>
    public float XErr;

    /// <summary><c>y</c>, pixels.</summary>
    public float Y;

    /// <summary><c>yErr</c>, pixels.</summary>
    public float YErr;

    /// <summary><c>apFlux</c>, nJy.</summary>
    public float ApFlux;

    /// <summary><c>apFluxErr</c>, nJy.</summary>
    public float ApFluxErr;

    /// <summary><c>snr</c>.</summary>
    public float Snr;

    /// <summary><c>psfFlux</c> (difference image), nJy.</summary>
    public float PsfFlux;

    /// <summary><c>psfFluxErr</c>, nJy.</summary>
    public float PsfFluxErr;

    /// <summary><c>psfLnL</c>.</summary>
    public float PsfLnL;

    /// <summary><c>psfChi2</c>.</summary>
    public float PsfChi2;

    /// <summary><c>psfNdata</c>.</summary>
    public int PsfNdata;

    /// <summary><c>trailFlux</c>, nJy.</summary>
    public float TrailFlux;

    /// <summary><c>trailFluxErr</c>, nJy.</summary>
    public float TrailFluxErr;

    /// <summary><c>trailRaErr</c>, degrees.</summary>
    public float TrailRaErr;

    /// <summary><c>trailDecErr</c>, degrees.</summary>
    public float TrailDecErr;

    /// <summary><c>trailLength</c>, arcsec.</summary>
    public float TrailLength;

    /// <summary><c>trailLengthErr</c>, arcsec.</summary>
    public float TrailLengthErr;

    /// <summary><c>trailAngle</c>, degrees.</summary>
    public float TrailAngle;

    /// <summary><c>trailAngleErr</c>, degrees.</summary>
    public float TrailAngleErr;

    /// <summary><c>trailChi2</c>.</summary>
    public float TrailChi2;

    /// <summary><c>trailNdata</c>.</summary>
    public int TrailNdata;

    /// <summary><c>dipoleMeanFlux</c>, nJy.</summary>
    public float DipoleMeanFlux;

    /// <summary><c>dipoleMeanFluxErr</c>, nJy.</summary>
    public float DipoleMeanFluxErr;

    /// <summary><c>dipoleFluxDiff</c>, nJy.</summary>
    public float DipoleFluxDiff;

    /// <summary><c>dipoleFluxDiffErr</c>, nJy.</summary>
    public float DipoleFluxDiffErr;

    /// <summary><c>dipoleLength</c>, arcsec.</summary>
    public float DipoleLength;

    /// <summary><c>dipoleAngle</c>, degrees.</summary>
    public float DipoleAngle;

    /// <summary><c>dipoleChi2</c>.</summary>
    public float DipoleChi2;

    /// <summary><c>dipoleNdata</c>.</summary>
    public int DipoleNdata;

    /// <summary><c>scienceFlux</c> (direct image), nJy.</summary>
    public float ScienceFlux;

    /// <summary><c>scienceFluxErr</c>, nJy.</summary>
    public float ScienceFluxErr;

    /// <summary><c>templateFlux</c>, nJy.</summary>
    public float TemplateFlux;

    /// <summary><c>templateFluxErr</c>, nJy.</summary>
    public float TemplateFluxErr;

    /// <summary><c>ixx</c>, pixels^2.</summary>
    public float Ixx;

    /// <summary><c>iyy</c>, pixels^2.</summary>
    public float Iyy;

    /// <summary><c>ixy</c>, pixels^2.</summary>
    public float Ixy;

    /// <summary><c>ixxPSF</c>, pixels^2.</summary>
    public float IxxPsf;

    /// <summary><c>iyyPSF</c>, pixels^2.</summary>
    public float IyyPsf;

    /// <summary><c>ixyPSF</c>, pixels^2.</summary>
    public float IxyPsf;

    /// <summary><c>extendedness</c>, 0-1.</summary>
    public float Extendedness;

    /// <summary><c>reliability</c>, 0-1.</summary>
    public float Reliability;

    /// <summary><c>exposureTime</c>, seconds.</summary>
    public float ExposureTime;

    /// <summary><c>bboxSize</c>, pixels.</summary>
    public int BboxSize;

    /// <summary><c>detector</c>.</summary>
    public short Detector;

    /// <summary>Band index 0-5 (u g r i z y), written as <c>band</c>.</summary>
    public byte Band;
}
#pragma warning restore CA1051, CA1815
