using Apdb.Records;

namespace Apdb.Tests.Support;

/// <summary>One detector-visit of a <see cref="StoreWorkload"/>: its time and its DiaSources.</summary>
public sealed record StoreJob(DetectorVisit DetectorVisit, double VisitMjdTai, IReadOnlyList<DiaSource> Sources);

/// <summary>
/// A seeded set of detector-visits whose sources fall on a small shared set of DiaObjects, so that stores overlap the
/// way neighbouring detectors with padded regions and consecutive visits do: the same object gets sources from two
/// detectors of one visit and from many visits, and a few sources start new objects. Visits are 37 days apart, so the
/// 12-month window drops early sources from later summaries.
/// </summary>
public static class StoreWorkload
{
    public const double FirstVisitMjd = 60000.3;
    public const double VisitSpacingDays = 37.0;

    public static List<StoreJob> Create(int seed, int visits, int detectors, int objects)
    {
        var random = new Random(seed);
        var jobs = new List<StoreJob>();
        for (var v = 1; v <= visits; v++)
        {
            var mjd = FirstVisitMjd + (v * VisitSpacingDays);
            for (var d = 0; d < detectors; d++)
            {
                var dv = new DetectorVisit(v, (short)d);
                var sources = new List<DiaSource>();
                for (var o = 1; o <= objects; o++)
                {
                    if (random.NextDouble() < 0.35)
                    {
                        sources.Add(Source(random, dv, mjd, (v * 10_000) + (d * 100) + o, o));
                    }
                }

                // A new object: its id is its first source's id, as DiaPipe makes them.
                var fresh = (v * 10_000) + (d * 100) + 99;
                sources.Add(Source(random, dv, mjd, fresh, fresh));
                jobs.Add(new StoreJob(dv, mjd, sources));
            }
        }

        return jobs;
    }

    /// <summary>Fresh copies of a job's sources: the store writes pixelId into its inputs, and jobs are stored more than once.</summary>
    public static List<DiaSource> Copy(StoreJob job) => [.. job.Sources.Select(Clone)];

    private static DiaSource Source(Random random, DetectorVisit dv, double mjd, long id, long objectId) => new()
    {
        DiaSourceId = id,
        DiaObjectId = objectId,
        Visit = dv.Visit,
        Detector = dv.Detector,
        MidpointMjdTai = mjd,
        Ra = 10.0 + ((objectId % 1000) * 1e-4) + (random.NextDouble() * 1e-6),
        Dec = -30.0 + (random.NextDouble() * 1e-6),
        Band = "ugrizy"[random.Next(6)].ToString(),
        PsfFlux = (float)(1000 + (random.NextDouble() * 100)),
        PsfFluxErr = 10f,
        ScienceFlux = 5000f,
        ScienceFluxErr = 20f,
        RaErr = 1e-5f,
        DecErr = 1e-5f,
    };

    private static DiaSource Clone(DiaSource s) => new()
    {
        DiaSourceId = s.DiaSourceId,
        DiaObjectId = s.DiaObjectId,
        Visit = s.Visit,
        Detector = s.Detector,
        MidpointMjdTai = s.MidpointMjdTai,
        Ra = s.Ra,
        Dec = s.Dec,
        Band = s.Band,
        PsfFlux = s.PsfFlux,
        PsfFluxErr = s.PsfFluxErr,
        ScienceFlux = s.ScienceFlux,
        ScienceFluxErr = s.ScienceFluxErr,
        RaErr = s.RaErr,
        DecErr = s.DecErr,
    };
}

/// <summary>
/// A summary the tests can check in SQL: nDiaSources is the number of sources in the window, ra/dec their mean (in
/// diaSourceId order, so the result does not depend on the order the rows arrive in), first/last their MJD range.
/// </summary>
public sealed class CountingSummarizer : IDiaObjectSummarizer
{
    public static CountingSummarizer Instance { get; } = new();

    public IReadOnlyList<DiaObject> Summarize(double asOfMjdTai, IReadOnlyList<DiaSource> sources) =>
        [.. sources.GroupBy(s => s.DiaObjectId!.Value).Select(g =>
        {
            var ordered = g.OrderBy(s => s.DiaSourceId).ToList();
            return new DiaObject
            {
                DiaObjectId = g.Key,
                Ra = ordered.Sum(s => s.Ra) / ordered.Count,
                Dec = ordered.Sum(s => s.Dec) / ordered.Count,
                NDiaSources = ordered.Count,
                FirstDiaSourceMjdTai = ordered.Min(s => s.MidpointMjdTai),
                LastDiaSourceMjdTai = ordered.Max(s => s.MidpointMjdTai),
            };
        })];
}
