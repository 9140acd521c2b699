using Apdb.Association;
using Apdb.Records;

namespace Apdb.Pipeline.DiaPipe;

/// <summary>Turns a <see cref="DiaObjectSummary"/> into the DiaObject version the store appends.</summary>
public static class DiaObjectVersions
{
    /// <summary>
    /// The new version of an object from its summary. Validity and pixelId are set by the store; forced-photometry
    /// means (<c>fpFluxMean</c>) and the RA/Dec covariance are left null (not computed by the summary plugins used).
    /// </summary>
    public static DiaObject FromSummary(DiaObjectSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var o = new DiaObject
        {
            DiaObjectId = summary.DiaObjectId,
            Ra = summary.Ra,
            Dec = summary.Dec,
            RaErr = ToFloat(summary.RaErr),
            DecErr = ToFloat(summary.DecErr),
            NDiaSources = summary.NDiaSources,
            FirstDiaSourceMjdTai = summary.FirstDiaSourceMjdTai,
            LastDiaSourceMjdTai = summary.LastDiaSourceMjdTai,
        };
        for (var b = 0; b < summary.Bands.Count; b++)
        {
            Apply(o, (Band)b, summary.Bands[b]);
        }

        return o;
    }

    private static void Apply(DiaObject o, Band band, BandSummary s)
    {
        var mean = ToFloat(s.PsfFluxMean);
        var meanErr = ToFloat(s.PsfFluxMeanErr);
        var sigma = ToFloat(s.PsfFluxSigma);
        var min = ToFloat(s.PsfFluxMin);
        var max = ToFloat(s.PsfFluxMax);
        var slope = ToFloat(s.PsfFluxMaxSlope);
        var errMean = ToFloat(s.PsfFluxErrMean);
        var sci = ToFloat(s.ScienceFluxMean);
        var sciErr = ToFloat(s.ScienceFluxMeanErr);
        switch (band)
        {
            case Band.U:
                (o.UPsfFluxMean, o.UPsfFluxMeanErr, o.UPsfFluxSigma, o.UPsfFluxNdata) = (mean, meanErr, sigma, s.PsfFluxNdata);
                (o.UPsfFluxMin, o.UPsfFluxMax, o.UPsfFluxMaxSlope, o.UPsfFluxErrMean, o.UScienceFluxMean, o.UScienceFluxMeanErr) = (min, max, slope, errMean, sci, sciErr);
                break;
            case Band.G:
                (o.GPsfFluxMean, o.GPsfFluxMeanErr, o.GPsfFluxSigma, o.GPsfFluxNdata) = (mean, meanErr, sigma, s.PsfFluxNdata);
                (o.GPsfFluxMin, o.GPsfFluxMax, o.GPsfFluxMaxSlope, o.GPsfFluxErrMean, o.GScienceFluxMean, o.GScienceFluxMeanErr) = (min, max, slope, errMean, sci, sciErr);
                break;
            case Band.R:
                (o.RPsfFluxMean, o.RPsfFluxMeanErr, o.RPsfFluxSigma, o.RPsfFluxNdata) = (mean, meanErr, sigma, s.PsfFluxNdata);
                (o.RPsfFluxMin, o.RPsfFluxMax, o.RPsfFluxMaxSlope, o.RPsfFluxErrMean, o.RScienceFluxMean, o.RScienceFluxMeanErr) = (min, max, slope, errMean, sci, sciErr);
                break;
            case Band.I:
                (o.IPsfFluxMean, o.IPsfFluxMeanErr, o.IPsfFluxSigma, o.IPsfFluxNdata) = (mean, meanErr, sigma, s.PsfFluxNdata);
                (o.IPsfFluxMin, o.IPsfFluxMax, o.IPsfFluxMaxSlope, o.IPsfFluxErrMean, o.IScienceFluxMean, o.IScienceFluxMeanErr) = (min, max, slope, errMean, sci, sciErr);
                break;
            case Band.Z:
                (o.ZPsfFluxMean, o.ZPsfFluxMeanErr, o.ZPsfFluxSigma, o.ZPsfFluxNdata) = (mean, meanErr, sigma, s.PsfFluxNdata);
                (o.ZPsfFluxMin, o.ZPsfFluxMax, o.ZPsfFluxMaxSlope, o.ZPsfFluxErrMean, o.ZScienceFluxMean, o.ZScienceFluxMeanErr) = (min, max, slope, errMean, sci, sciErr);
                break;
            case Band.Y:
                (o.YPsfFluxMean, o.YPsfFluxMeanErr, o.YPsfFluxSigma, o.YPsfFluxNdata) = (mean, meanErr, sigma, s.PsfFluxNdata);
                (o.YPsfFluxMin, o.YPsfFluxMax, o.YPsfFluxMaxSlope, o.YPsfFluxErrMean, o.YScienceFluxMean, o.YScienceFluxMeanErr) = (min, max, slope, errMean, sci, sciErr);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(band), band, null);
        }
    }

    private static float? ToFloat(double? value) => value is { } v && double.IsFinite(v) ? (float)v : null;
}
