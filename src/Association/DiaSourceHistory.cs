using Apdb.Sky;

namespace Apdb.Association;

/// <summary>
/// DiaSources of many DiaObjects as a struct of arrays (any row order): the input of the DiaObject summaries.
/// Fluxes in nJy; NaN marks a missing flux or error.
/// </summary>
public sealed class DiaSourceHistory
{
    /// <summary>Creates the history; all arrays have one element per DiaSource and are not copied.</summary>
    /// <param name="diaObjectId">The object each source belongs to.</param>
    /// <param name="midpointMjdTai">Exposure midpoint, MJD TAI.</param>
    /// <param name="band">Filter of each source.</param>
    /// <param name="raDeg">Right ascension, degrees.</param>
    /// <param name="decDeg">Declination, degrees.</param>
    /// <param name="psfFlux">Difference-image PSF flux.</param>
    /// <param name="psfFluxErr">Its error.</param>
    /// <param name="scienceFlux">Science-image (total) flux.</param>
    /// <param name="scienceFluxErr">Its error.</param>
    /// <param name="raErrDeg">Optional RA errors (dRA*cos(dec)), degrees.</param>
    /// <param name="decErrDeg">Optional Dec errors, degrees.</param>
    /// <exception cref="ArgumentException">Lengths differ, or only one of the error arrays is given.</exception>
    public DiaSourceHistory(
        long[] diaObjectId, double[] midpointMjdTai, Band[] band, double[] raDeg, double[] decDeg,
        double[] psfFlux, double[] psfFluxErr, double[] scienceFlux, double[] scienceFluxErr,
        double[]? raErrDeg = null, double[]? decErrDeg = null)
    {
        ArgumentNullException.ThrowIfNull(diaObjectId);
        var n = diaObjectId.Length;
        Check(midpointMjdTai, n, nameof(midpointMjdTai));
        Check(band, n, nameof(band));
        Check(raDeg, n, nameof(raDeg));
        Check(decDeg, n, nameof(decDeg));
        Check(psfFlux, n, nameof(psfFlux));
        Check(psfFluxErr, n, nameof(psfFluxErr));
        Check(scienceFlux, n, nameof(scienceFlux));
        Check(scienceFluxErr, n, nameof(scienceFluxErr));
        if ((raErrDeg is null) != (decErrDeg is null))
        {
            throw new ArgumentException("raErrDeg and decErrDeg must be given together", nameof(raErrDeg));
        }

        if (raErrDeg is not null)
        {
            Check(raErrDeg, n, nameof(raErrDeg));
            Check(decErrDeg!, n, nameof(decErrDeg));
        }

        DiaObjectId = diaObjectId;
        MidpointMjdTai = midpointMjdTai;
        Band = band;
        RaDeg = raDeg;
        DecDeg = decDeg;
        PsfFlux = psfFlux;
        PsfFluxErr = psfFluxErr;
        ScienceFlux = scienceFlux;
        ScienceFluxErr = scienceFluxErr;
        RaErrDeg = raErrDeg;
        DecErrDeg = decErrDeg;
    }

    /// <summary>Number of DiaSources.</summary>
    public int Count => DiaObjectId.Length;

    /// <summary>The object each source belongs to.</summary>
    public long[] DiaObjectId { get; }

    /// <summary>Exposure midpoint, MJD TAI.</summary>
    public double[] MidpointMjdTai { get; }

    /// <summary>Filter of each source.</summary>
    public Band[] Band { get; }

    /// <summary>Right ascension, degrees.</summary>
    public double[] RaDeg { get; }

    /// <summary>Declination, degrees.</summary>
    public double[] DecDeg { get; }

    /// <summary>Difference-image PSF flux, nJy.</summary>
    public double[] PsfFlux { get; }

    /// <summary>Error of <see cref="PsfFlux"/>, nJy.</summary>
    public double[] PsfFluxErr { get; }

    /// <summary>Science-image flux, nJy.</summary>
    public double[] ScienceFlux { get; }

    /// <summary>Error of <see cref="ScienceFlux"/>, nJy.</summary>
    public double[] ScienceFluxErr { get; }

    /// <summary>RA errors (dRA*cos(dec)) in degrees, or null.</summary>
    public double[]? RaErrDeg { get; }

    /// <summary>Dec errors in degrees, or null.</summary>
    public double[]? DecErrDeg { get; }

    private static void Check<T>(T[] array, int n, string name)
    {
        ArgumentNullException.ThrowIfNull(array, name);
        Preconditions.SameLength(n, array.Length, "diaObjectId", name);
    }
}
