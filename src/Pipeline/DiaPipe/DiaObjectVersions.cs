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

    private static void Apply(DiaObject o, Band band, BandSummary s) =>
        o.SetBand(band, o.GetBand(band) with
        {
            PsfFluxMean = ToFloat(s.PsfFluxMean),
            PsfFluxMeanErr = ToFloat(s.PsfFluxMeanErr),
            PsfFluxSigma = ToFloat(s.PsfFluxSigma),
            PsfFluxNdata = s.PsfFluxNdata,
            PsfFluxMin = ToFloat(s.PsfFluxMin),
            PsfFluxMax = ToFloat(s.PsfFluxMax),
            PsfFluxMaxSlope = ToFloat(s.PsfFluxMaxSlope),
            PsfFluxErrMean = ToFloat(s.PsfFluxErrMean),
            ScienceFluxMean = ToFloat(s.ScienceFluxMean),
            ScienceFluxMeanErr = ToFloat(s.ScienceFluxMeanErr),
        });

    private static float? ToFloat(double? value) => value is { } v && double.IsFinite(v) ? (float)v : null;
}
