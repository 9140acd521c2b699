using Apdb.Records;
using Apdb.Simulation;

namespace Apdb.Pipeline;

/// <summary>
/// Scores a run on the objects that are new to it: the true transients that reach truth S/N &gt;=
/// <see cref="MinTruthSnr"/> (difference flux over the visit's point-source noise) on a detector-visit the run
/// processed and at no visit of the history (on whatever detector they fell). For each, the DiaSources of the
/// processed detector-visits are identified with it by position (the nearest within the radius); the transient got a
/// DiaObject when one of them did, and its later DiaSources count as right when they went to that same DiaObject.
/// </summary>
/// <remarks>
/// Feed it every processed detector-visit of one run (<see cref="Add"/>, any order, one thread at a time), then read
/// <see cref="Score"/>; <see cref="Restart"/> gives an empty one for the next run without redoing the history. Detector-visits of earlier runs are not known to it: a transient first seen by an earlier run
/// of the continuation is counted again, its first DiaSource here taking the part of its first.
/// </remarks>
public sealed class NewObjectScorer
{
    /// <summary>Truth S/N from which a transient counts as detectable (the DIA detection threshold).</summary>
    public const double MinTruthSnr = 5.0;

    private readonly SkyTruth _truth;
    private readonly bool[] _detectableInHistory;
    private readonly double _radiusDeg;
    private readonly Dictionary<int, List<Sighting>> _sightings = [];

    /// <summary>Prepares the scorer: which transients were already detectable during the history.</summary>
    /// <param name="truth">The sky truth, with the continuation's transients.</param>
    /// <param name="historyVisits">The history's visits.</param>
    /// <param name="radiusArcsec">Identification radius.</param>
    public NewObjectScorer(SkyTruth truth, IEnumerable<Visit> historyVisits, double radiusArcsec = 1.0)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(historyVisits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(radiusArcsec);
        _truth = truth;
        _radiusDeg = radiusArcsec / 3600.0;
        _detectableInHistory = new bool[truth.TransientCount];
        foreach (var visit in historyVisits)
        {
            for (var i = 0; i < truth.TransientCount; i++)
            {
                if (!_detectableInHistory[i] && Detectable(i, visit) && visit.Geometry.TryLocate(truth.TransientPosition(i), out _, out _, out _))
                {
                    _detectableInHistory[i] = true;
                }
            }
        }
    }

    private NewObjectScorer(NewObjectScorer other)
    {
        _truth = other._truth;
        _radiusDeg = other._radiusDeg;
        _detectableInHistory = other._detectableInHistory;
    }

    /// <summary>A scorer over the same truth and history with no detector-visits added (for the next run).</summary>
    public NewObjectScorer Restart() => new(this);

    /// <summary>Transients that were detectable at some history visit (never new objects).</summary>
    public int DetectableInHistory => _detectableInHistory.Count(d => d);

    /// <summary>Records one processed detector-visit and its DiaSources after association.</summary>
    public void Add(Visit visit, int detector, IReadOnlyList<DiaSource> sources)
    {
        ArgumentNullException.ThrowIfNull(visit);
        ArgumentNullException.ThrowIfNull(sources);
        for (var i = 0; i < _truth.TransientCount; i++)
        {
            if (_detectableInHistory[i] || _truth.TransientOnsetMjd(i) > visit.MidpointMjdTai
                || !visit.Geometry.TryLocate(_truth.TransientPosition(i), out var onDetector, out _, out _) || onDetector != detector)
            {
                continue;
            }

            var detectable = Detectable(i, visit);
            var source = Nearest(_truth.TransientPosition(i), sources);
            if (!detectable && source is null)
            {
                continue;
            }

            if (!_sightings.TryGetValue(i, out var list))
            {
                _sightings[i] = list = [];
            }

            list.Add(new Sighting(visit.MidpointMjdTai, detectable, source?.DiaObjectId));
        }
    }

    /// <summary>The score over everything added so far.</summary>
    public NewObjectScore Score()
    {
        int transients = 0, withObject = 0, later = 0, onSame = 0;
        foreach (var sightings in _sightings.Values)
        {
            if (!sightings.Any(s => s.Detectable))
            {
                continue;
            }

            transients++;
            var identified = sightings.Where(s => s.DiaObjectId is not null).OrderBy(s => s.MidpointMjdTai).ToList();
            if (identified.Count == 0)
            {
                continue;
            }

            withObject++;
            later += identified.Count - 1;
            onSame += identified.Skip(1).Count(s => s.DiaObjectId == identified[0].DiaObjectId);
        }

        return new NewObjectScore(transients, withObject, later, onSame);
    }

    private bool Detectable(int transient, Visit visit) =>
        _truth.TransientFlux(transient, visit.Band, visit.MidpointMjdTai) >= MinTruthSnr * visit.SkyNoiseNjy;

    private DiaSource? Nearest(SkyPosition position, IReadOnlyList<DiaSource> sources)
    {
        DiaSource? best = null;
        var bestDeg = _radiusDeg;
        foreach (var s in sources)
        {
            // A cheap box cut in declination first; the distance only for the few sources near the transient.
            if (Math.Abs(s.Dec - position.DecDeg) > _radiusDeg)
            {
                continue;
            }

            var d = AngularDistance.Degrees(position, SkyPosition.FromDegrees(s.Ra, s.Dec));
            if (d <= bestDeg)
            {
                best = s;
                bestDeg = d;
            }
        }

        return best;
    }

    private readonly record struct Sighting(double MidpointMjdTai, bool Detectable, long? DiaObjectId);
}
