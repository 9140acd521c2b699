using System.Runtime.CompilerServices;
using Apdb.Sky;

namespace Apdb.Simulation;

/// <summary>
/// The DiaObject summary the pipeline computes over an object's DiaSources (ap_association's diaCalculation), kept
/// incrementally: each <see cref="Add"/> is one new DiaSource, in time order, and <see cref="Snapshot"/> gives the
/// version's columns. Per band: inverse-variance weighted mean flux and its error, standard deviation (ddof 1),
/// count, min, max, largest time-ordered slope, mean error, weighted mean science flux; per object: the mean
/// position (mean unit vector), count, first and last source times.
/// </summary>
/// <remarks>
/// The pipeline summarises only the sources of the last 12 months (360 days) before the visit. When a source drops
/// out of that window the statistics are rebuilt from the kept sources by the same additions, so an incremental
/// result and a rebuild are the same operations in the same order. The Association project owns the pipeline's own
/// summary code; Simulation sits below it and keeps this small copy.
/// </remarks>
internal sealed class ObjectAccumulator
{
    public const double WindowDays = 360.0;

    private readonly bool _keepPoints;
    private readonly List<SourcePoint> _points = [];
    private readonly BandStats[] _bands = new BandStats[Bands.Count];
    private double _sx, _sy, _sz, _sRaErr2, _sDecErr2, _sCov;
    private int _n;
    private double _first, _last;

    /// <param name="keepPoints">Keep every point so sources older than the window can be dropped (needed when the history is longer than the window).</param>
    public ObjectAccumulator(bool keepPoints)
    {
        _keepPoints = keepPoints;
        Reset();
    }

    public int Count => _n;

    public double LastMjd => _last;

    public double FirstMjd => _first;

    /// <summary>Adds the newest source; sources with midpoint at or before <c>p.Mjd - 360</c> leave the summary.</summary>
    public void Add(in SourcePoint p)
    {
        if (_keepPoints)
        {
            var cut = p.Mjd - WindowDays;
            var drop = 0;
            while (drop < _points.Count && _points[drop].Mjd <= cut)
            {
                drop++;
            }

            _points.Add(p);
            if (drop > 0)
            {
                _points.RemoveRange(0, drop);
                Reset();
                foreach (var q in _points)
                {
                    Accumulate(q);
                }

                return;
            }
        }

        Accumulate(p);
    }

    /// <summary>Writes the summary columns into <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Snapshot(ref DiaObjectRow row)
    {
        var norm = Math.Sqrt(_sx * _sx + _sy * _sy + _sz * _sz);
        var (ra, dec) = SkyPosition.RaDecOf(_sx / norm, _sy / norm, _sz / norm);
        row.Ra = ra;
        row.Dec = dec;
        row.RaErr = (float)(Math.Sqrt(_sRaErr2) / _n);
        row.DecErr = (float)(Math.Sqrt(_sDecErr2) / _n);
        row.RaDecCov = (float)(_sCov / ((double)_n * _n));
        row.NDiaSources = _n;
        row.FirstDiaSourceMjdTai = _first;
        row.LastDiaSourceMjdTai = _last;
        row.PixelId = HealpixNested.Hash(HealpixNested.MaxDepth, ra, dec);
        for (var b = 0; b < Bands.Count; b++)
        {
            ref readonly var s = ref _bands[b];
            row.PsfFluxNdata[b] = s.N;
            if (s.N == 0)
            {
                row.PsfFluxMean[b] = row.PsfFluxMeanErr[b] = row.PsfFluxSigma[b] = float.NaN;
                row.ScienceFluxMean[b] = row.ScienceFluxMeanErr[b] = float.NaN;
                row.PsfFluxMin[b] = row.PsfFluxMax[b] = row.PsfFluxMaxSlope[b] = row.PsfFluxErrMean[b] = float.NaN;
                continue;
            }

            row.PsfFluxMean[b] = (float)(s.SumWF / s.SumW);
            row.PsfFluxMeanErr[b] = (float)Math.Sqrt(1.0 / s.SumW);
            row.PsfFluxSigma[b] = s.N > 1 ? (float)Math.Sqrt(s.M2 / (s.N - 1)) : float.NaN;
            row.PsfFluxMin[b] = (float)s.Min;
            row.PsfFluxMax[b] = (float)s.Max;
            row.PsfFluxMaxSlope[b] = s.N > 1 ? (float)s.MaxSlope : float.NaN;
            row.PsfFluxErrMean[b] = (float)(s.SumErr / s.N);
            row.ScienceFluxMean[b] = (float)(s.SumWsS / s.SumWs);
            row.ScienceFluxMeanErr[b] = (float)Math.Sqrt(1.0 / s.SumWs);
        }
    }

    private void Reset()
    {
        _sx = _sy = _sz = _sRaErr2 = _sDecErr2 = _sCov = 0;
        _n = 0;
        _first = double.NaN;
        _last = double.NaN;
        for (var b = 0; b < Bands.Count; b++)
        {
            _bands[b] = new BandStats { Min = double.PositiveInfinity, Max = double.NegativeInfinity, MaxSlope = double.NegativeInfinity };
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Accumulate(in SourcePoint p)
    {
        _n++;
        if (_n == 1)
        {
            _first = p.Mjd;
        }

        _last = p.Mjd;
        _sx += p.X;
        _sy += p.Y;
        _sz += p.Z;
        _sRaErr2 += p.RaErr * p.RaErr;
        _sDecErr2 += p.DecErr * p.DecErr;
        _sCov += p.RaDecCov;

        ref var s = ref _bands[p.Band];
        var w = 1.0 / (p.PsfFluxErr * p.PsfFluxErr);
        var ws = 1.0 / (p.ScienceFluxErr * p.ScienceFluxErr);
        s.N++;
        s.SumW += w;
        s.SumWF += w * p.PsfFlux;
        s.SumWs += ws;
        s.SumWsS += ws * p.ScienceFlux;
        s.SumErr += p.PsfFluxErr;
        var delta = p.PsfFlux - s.Mean;
        s.Mean += delta / s.N;
        s.M2 += delta * (p.PsfFlux - s.Mean);
        s.Min = Math.Min(s.Min, p.PsfFlux);
        s.Max = Math.Max(s.Max, p.PsfFlux);
        if (s.N > 1)
        {
            s.MaxSlope = Math.Max(s.MaxSlope, (p.PsfFlux - s.LastFlux) / (p.Mjd - s.LastMjd));
        }

        s.LastFlux = p.PsfFlux;
        s.LastMjd = p.Mjd;
    }

    private struct BandStats
    {
        public int N;
        public double SumW, SumWF, SumWs, SumWsS, SumErr, Mean, M2, Min, Max, MaxSlope, LastFlux, LastMjd;
    }
}
