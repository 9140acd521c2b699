using Apdb.Sky;

namespace Apdb.Simulation;

/// <summary>One simulated visit that lands on the preset's region.</summary>
public sealed class Visit
{
    internal Visit(int index, int idIndex, long visitId, int night, double midpointMjdTai, int band, SkyPosition boresight, double rotationDeg, double seeingArcsec)
    {
        Index = index;
        IdIndex = idIndex;
        VisitId = visitId;
        Night = night;
        MidpointMjdTai = midpointMjdTai;
        Band = band;
        Geometry = new VisitGeometry(boresight, rotationDeg);
        SeeingArcsec = seeingArcsec;
        // Sky-limited depth scales with the seeing: the noise grows linearly with the PSF width.
        var depth = SurveyBands.Depth(band) - 2.5 * Math.Log10(seeingArcsec / 0.7);
        SkyNoiseNjy = AstroConstants.AbMagnitudeToNanojansky(depth) / 5.0;
    }

    /// <summary>0-based position in the cadence (time order).</summary>
    public int Index { get; }

    /// <summary>
    /// The visit's number in the ids of the rows it makes (DiaSource, DiaForcedSource ids): <see cref="Index"/>, plus a
    /// per-field base for a field of a tiled preset, so the fields' histories never share an id.
    /// </summary>
    public int IdIndex { get; }

    /// <summary>
    /// Rubin-style visit id: the night's dayObs (YYYYMMDD) times 100000 plus the sequence number in the night (the
    /// fields of a tiled preset number their nights' slots in turn: field k's from k x 800).
    /// </summary>
    public long VisitId { get; }

    /// <summary>0-based night of the survey.</summary>
    public int Night { get; }

    /// <summary>Exposure midpoint, MJD TAI.</summary>
    public double MidpointMjdTai { get; }

    /// <summary>Exposure time, seconds.</summary>
    public double ExposureTimeSeconds => Cadence.ExposureSeconds;

    /// <summary>Band index 0-5 (u g r i z y).</summary>
    public int Band { get; }

    /// <summary>The band letter.</summary>
    public char BandLetter => Bands.Letter(Band);

    /// <summary>The camera on the sky.</summary>
    public VisitGeometry Geometry { get; }

    /// <summary>PSF FWHM, arcsec.</summary>
    public double SeeingArcsec { get; }

    /// <summary>1-sigma point-source noise from the sky in this visit, nJy.</summary>
    public double SkyNoiseNjy { get; }

    /// <summary>Area of the preset's region that falls on a detector in this visit, deg^2.</summary>
    public double CoveredAreaDeg2 { get; internal set; }
}
