using Apdb.Sky;

namespace Apdb.Association;

public static partial class DiaObjectSummarizer
{
    /// <summary>
    /// The straightforward reference: each object and band computed on its own with textbook two-pass formulas.
    /// Slow (it scans the whole history per object); for tests and for checking <see cref="Summarize"/>.
    /// </summary>
    /// <param name="history">The DiaSources of the objects to summarise.</param>
    /// <returns>One summary per distinct diaObjectId, ascending.</returns>
    public static IReadOnlyList<DiaObjectSummary> SummarizeReference(DiaSourceHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var result = new List<DiaObjectSummary>();
        foreach (var id in history.DiaObjectId.Distinct().Order())
        {
            var rows = Enumerable.Range(0, history.Count).Where(r => history.DiaObjectId[r] == id).ToList();
            var vectors = rows.Select(r => Catalog.UnitVectorOf(history.RaDeg[r], history.DecDeg[r])).ToList();
            var (ra, dec) = SkyPosition.RaDecOf(vectors.Sum(v => v.X), vectors.Sum(v => v.Y), vectors.Sum(v => v.Z));
            double? raErr = null;
            double? decErr = null;
            if (history.RaErrDeg is { } re && history.DecErrDeg is { } de && rows.All(r => double.IsFinite(re[r]) && double.IsFinite(de[r])))
            {
                raErr = Math.Sqrt(rows.Sum(r => re[r] * re[r])) / rows.Count;
                decErr = Math.Sqrt(rows.Sum(r => de[r] * de[r])) / rows.Count;
            }

            var bands = Bands.All.Select(b => ReferenceBand(history, rows.Where(r => history.Band[r] == b).ToList())).ToArray();
            result.Add(new DiaObjectSummary(
                id, ra, dec, raErr, decErr, rows.Count,
                rows.Min(r => history.MidpointMjdTai[r]), rows.Max(r => history.MidpointMjdTai[r]), bands));
        }

        return result;
    }

    private static BandSummary ReferenceBand(DiaSourceHistory h, List<int> rows)
    {
        var points = rows.Where(r => !double.IsNaN(h.PsfFlux[r])).OrderBy(r => h.MidpointMjdTai[r]).ThenBy(r => r).ToList();
        var fluxes = points.Select(r => h.PsfFlux[r]).ToList();
        var (mean, meanErr) = WeightedMean(points.Select(r => (h.PsfFlux[r], h.PsfFluxErr[r])));
        var (scienceMean, scienceMeanErr) = WeightedMean(rows.Select(r => (h.ScienceFlux[r], h.ScienceFluxErr[r])));

        double? sigma = null;
        if (fluxes.Count >= 2)
        {
            var average = fluxes.Average();
            sigma = Math.Sqrt(fluxes.Sum(f => (f - average) * (f - average)) / (fluxes.Count - 1));
        }

        double? maxSlope = null;
        for (var k = 1; k < points.Count; k++)
        {
            var dt = h.MidpointMjdTai[points[k]] - h.MidpointMjdTai[points[k - 1]];
            if (dt > 0)
            {
                var slope = (h.PsfFlux[points[k]] - h.PsfFlux[points[k - 1]]) / dt;
                maxSlope = maxSlope is { } m ? Math.Max(m, slope) : slope;
            }
        }

        var errors = rows.Select(r => h.PsfFluxErr[r]).Where(e => !double.IsNaN(e)).ToList();
        return new BandSummary(
            mean, meanErr, sigma, points.Count(r => !double.IsNaN(h.PsfFluxErr[r])),
            fluxes.Count > 0 ? fluxes.Min() : null,
            fluxes.Count > 0 ? fluxes.Max() : null,
            maxSlope,
            errors.Count > 0 ? errors.Average() : null,
            scienceMean, scienceMeanErr);
    }

    private static (double? Mean, double? Err) WeightedMean(IEnumerable<(double Flux, double Err)> values)
    {
        var usable = values.Where(v => IsUsableWeight(v.Flux, v.Err)).ToList();
        if (usable.Count == 0)
        {
            return (null, null);
        }

        var weights = usable.Sum(v => 1.0 / (v.Err * v.Err));
        return (usable.Sum(v => v.Flux / (v.Err * v.Err)) / weights, 1.0 / Math.Sqrt(weights));
    }
}
