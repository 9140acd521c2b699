using Apdb.Sky;

namespace Apdb.Association;

/// <summary>
/// DiaObject summaries per band over a DiaSource history, column by column as meas_base's DiaObject calculation
/// plugins that ap_association's DiaPipe runs by default (ap_meanPosition, ap_nDiaSources, ap_meanFlux, ap_sigmaFlux,
/// ap_minMaxFlux, ap_maxSlopeFlux, ap_meanErrFlux, ap_meanTotFlux; meas_base 2025).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>ra</c>, <c>dec</c>: the normalised mean unit vector (averageSpherePoint). <c>nDiaSources</c>: all sources.</item>
/// <item><c>psfFluxMean</c>, <c>psfFluxMeanErr</c>: inverse-variance weighted mean and 1/sqrt(sum of weights) over the
/// sources with psfFlux and psfFluxErr both present; <c>psfFluxNdata</c> counts those sources.</item>
/// <item><c>psfFluxSigma</c>: sample standard deviation (ddof 1) of the present psfFlux values, null below two.</item>
/// <item><c>psfFluxMin</c>, <c>psfFluxMax</c>: over the present psfFlux values.</item>
/// <item><c>psfFluxMaxSlope</c>: the largest signed (F[k] - F[k-1]) / (t[k] - t[k-1]) over the sources with a psfFlux
/// in time order, null below two.</item>
/// <item><c>psfFluxErrMean</c>: mean of the present psfFluxErr values of the band, whether or not psfFlux is present.</item>
/// <item><c>scienceFluxMean</c>, <c>scienceFluxMeanErr</c>: as psfFluxMean over scienceFlux and scienceFluxErr.</item>
/// </list>
/// Deliberate differences, each where meas_base would produce an infinity or NaN from a degenerate input: a weight needs
/// an error that is finite and &gt; 0 (meas_base divides by a zero error); two sources at the same time give no slope
/// (meas_base divides by zero; equal times are taken in input row order); a band with no usable scienceFlux has a null
/// scienceFluxMeanErr (meas_base writes +inf). Not meas_base's: meas_base computes no DiaObject raErr/decErr (Rubin's
/// DiaObject keeps the errors of the source that created it); ours is the error of the mean position,
/// sqrt(sum raErr^2)/n, null when any source lacks it. first/lastDiaSourceMjdTai are the earliest and latest midpoints of
/// the history given (DiaPipe gives the 12-month window). Objects come out in ascending diaObjectId.
/// </remarks>
public static partial class DiaObjectSummarizer
{
    /// <summary>The batched implementation: one sort by (object, band, time), then one pass with running sums.</summary>
    /// <param name="history">The DiaSources of the objects to summarise.</param>
    /// <returns>One summary per distinct diaObjectId, ascending.</returns>
    public static IReadOnlyList<DiaObjectSummary> Summarize(DiaSourceHistory history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var n = history.Count;
        var order = SortedRows(history);
        var ids = history.DiaObjectId;
        var result = new List<DiaObjectSummary>();
        var bands = new BandAccumulator[Bands.Count];
        var start = 0;
        while (start < n)
        {
            var id = ids[order[start]];
            var end = start + 1;
            while (end < n && ids[order[end]] == id)
            {
                end++;
            }

            Array.Clear(bands);
            double sx = 0, sy = 0, sz = 0, raErr2 = 0, decErr2 = 0;
            var errorsKnown = history.RaErrDeg is not null;
            var first = double.PositiveInfinity;
            var last = double.NegativeInfinity;
            for (var k = start; k < end; k++)
            {
                var row = order[k];
                var (x, y, z) = Catalog.UnitVectorOf(history.RaDeg[row], history.DecDeg[row]);
                sx += x;
                sy += y;
                sz += z;
                if (errorsKnown)
                {
                    var re = history.RaErrDeg![row];
                    var de = history.DecErrDeg![row];
                    errorsKnown = double.IsFinite(re) && double.IsFinite(de);
                    raErr2 += re * re;
                    decErr2 += de * de;
                }

                var t = history.MidpointMjdTai[row];
                first = Math.Min(first, t);
                last = Math.Max(last, t);
                bands[(int)history.Band[row]].Add(t, history.PsfFlux[row], history.PsfFluxErr[row], history.ScienceFlux[row], history.ScienceFluxErr[row]);
            }

            var count = end - start;
            var (ra, dec) = SkyPosition.RaDecOf(sx, sy, sz);
            var summaries = new BandSummary[Bands.Count];
            for (var b = 0; b < summaries.Length; b++)
            {
                summaries[b] = bands[b].ToSummary();
            }

            result.Add(new DiaObjectSummary(
                id, ra, dec,
                errorsKnown ? Math.Sqrt(raErr2) / count : null,
                errorsKnown ? Math.Sqrt(decErr2) / count : null,
                count, first, last, summaries));
            start = end;
        }

        return result;
    }

    private static int[] SortedRows(DiaSourceHistory history)
    {
        var n = history.Count;
        var keys = (long[])history.DiaObjectId.Clone();
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        var byBandTimeRow = Comparer<int>.Create((a, b) =>
        {
            var c = history.Band[a].CompareTo(history.Band[b]);
            if (c == 0)
            {
                c = history.MidpointMjdTai[a].CompareTo(history.MidpointMjdTai[b]);
            }

            return c != 0 ? c : a.CompareTo(b);
        });
        KeyRuns.Sort(keys, order, byBandTimeRow);

        return order;
    }

    /// <summary>Running sums for one band of one object; rows arrive in time order.</summary>
    private struct BandAccumulator
    {
        private int _count;
        private int _ndata;
        private double _mean;
        private double _m2;
        private double _min;
        private double _max;
        private double _weightSum;
        private double _weightedSum;
        private int _errCount;
        private double _errSum;
        private double _prevTime;
        private double _prevFlux;
        private double _maxSlope;
        private bool _hasSlope;
        private double _scienceWeightSum;
        private double _scienceWeightedSum;

        public void Add(double time, double flux, double fluxErr, double scienceFlux, double scienceFluxErr)
        {
            if (IsUsableWeight(scienceFlux, scienceFluxErr))
            {
                var w = 1.0 / (scienceFluxErr * scienceFluxErr);
                _scienceWeightSum += w;
                _scienceWeightedSum += w * scienceFlux;
            }

            if (!double.IsNaN(fluxErr))
            {
                _errCount++;
                _errSum += fluxErr;
            }

            if (double.IsNaN(flux))
            {
                return;
            }

            if (!double.IsNaN(fluxErr))
            {
                _ndata++;
            }

            if (_count == 0)
            {
                _min = flux;
                _max = flux;
            }
            else
            {
                _min = Math.Min(_min, flux);
                _max = Math.Max(_max, flux);
                var dt = time - _prevTime;
                if (dt > 0)
                {
                    var slope = (flux - _prevFlux) / dt;
                    _maxSlope = _hasSlope ? Math.Max(_maxSlope, slope) : slope;
                    _hasSlope = true;
                }
            }

            _prevTime = time;
            _prevFlux = flux;
            _count++;
            var delta = flux - _mean;
            _mean += delta / _count;
            _m2 += delta * (flux - _mean);
            if (IsUsableWeight(flux, fluxErr))
            {
                var w = 1.0 / (fluxErr * fluxErr);
                _weightSum += w;
                _weightedSum += w * flux;
            }
        }

        public readonly BandSummary ToSummary() => new(
            _weightSum > 0 ? _weightedSum / _weightSum : null,
            _weightSum > 0 ? 1.0 / Math.Sqrt(_weightSum) : null,
            _count >= 2 ? Math.Sqrt(_m2 / (_count - 1)) : null,
            _ndata,
            _count > 0 ? _min : null,
            _count > 0 ? _max : null,
            _hasSlope ? _maxSlope : null,
            _errCount > 0 ? _errSum / _errCount : null,
            _scienceWeightSum > 0 ? _scienceWeightedSum / _scienceWeightSum : null,
            _scienceWeightSum > 0 ? 1.0 / Math.Sqrt(_scienceWeightSum) : null);
    }

    private static bool IsUsableWeight(double flux, double err) => double.IsFinite(flux) && double.IsFinite(err) && err > 0;
}
