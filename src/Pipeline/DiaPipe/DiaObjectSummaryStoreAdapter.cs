using Apdb.Association;
using Apdb.Records;

namespace Apdb.Pipeline.DiaPipe;

/// <summary>
/// DiaPipe's DiaObject summaries (<see cref="DiaObjectSummarizer"/>) in the form the store calls inside its
/// transaction, so the versions it writes count every stored source, whichever process stored it.
/// </summary>
public sealed class DiaObjectSummaryStoreAdapter : IDiaObjectSummarizer
{
    /// <summary>The one instance: the adapter holds no state.</summary>
    public static DiaObjectSummaryStoreAdapter Instance { get; } = new();

    private DiaObjectSummaryStoreAdapter()
    {
    }

    /// <inheritdoc />
    public IReadOnlyList<DiaObject> Summarize(double asOfMjdTai, IReadOnlyList<DiaSource> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return [.. DiaObjectSummarizer.Summarize(ToHistory(sources)).Select(DiaObjectVersions.FromSummary)];
    }

    /// <summary>The summary inputs of DiaSources that all carry a diaObjectId.</summary>
    public static DiaSourceHistory ToHistory(IReadOnlyList<DiaSource> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var n = rows.Count;
        var ids = new long[n];
        var mjd = new double[n];
        var band = new Band[n];
        var ra = new double[n];
        var dec = new double[n];
        var flux = new double[n];
        var fluxErr = new double[n];
        var sci = new double[n];
        var sciErr = new double[n];
        var raErr = new double[n];
        var decErr = new double[n];
        for (var i = 0; i < n; i++)
        {
            var s = rows[i];
            ids[i] = s.DiaObjectId!.Value;
            mjd[i] = s.MidpointMjdTai;
            band[i] = s.Band is { Length: > 0 } b ? Bands.Parse(b) : Band.R;
            ra[i] = s.Ra;
            dec[i] = s.Dec;
            flux[i] = s.PsfFlux ?? double.NaN;
            fluxErr[i] = s.PsfFluxErr ?? double.NaN;
            sci[i] = s.ScienceFlux ?? double.NaN;
            sciErr[i] = s.ScienceFluxErr ?? double.NaN;
            raErr[i] = s.RaErr ?? double.NaN;
            decErr[i] = s.DecErr ?? double.NaN;
        }

        return new DiaSourceHistory(ids, mjd, band, ra, dec, flux, fluxErr, sci, sciErr, raErr, decErr);
    }
}
