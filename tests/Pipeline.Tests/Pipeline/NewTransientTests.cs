using Apdb.Records;
using Apdb.Simulation;
using Apdb.Simulation.Rendering;
using Apdb.Sky;

namespace Apdb.Pipeline.Tests.Pipeline;

/// <summary>
/// New transients on new visits: the image and catalog front ends see the same ones (one truth), and the run's
/// completeness on new objects counts them right. Demo sky, one month of history (no database needed).
/// </summary>
public sealed class NewTransientTests
{
    private static readonly Lazy<LoadedSurvey> Shared = new(() => new LoadedSurvey(SkyPreset.Demo, 1, 1));

    private static LoadedSurvey Survey => Shared.Value;

    /// <summary>(visit, detector, transient) on the new visits where a continuation transient is detectable.</summary>
    private static IEnumerable<(Visit Visit, int Detector, int Transient)> DetectableNewTransients(Func<Visit, bool>? visits = null)
    {
        var truth = Survey.Truth;
        foreach (var visit in Survey.NewVisits.Where(visits ?? (_ => true)))
        {
            for (var i = truth.HistoryTransientCount; i < truth.TransientCount; i++)
            {
                if (visit.Geometry.TryLocate(truth.TransientPosition(i), out var detector, out _, out _)
                    && truth.TransientFlux(i, visit.Band, visit.MidpointMjdTai) >= NewObjectScorer.MinTruthSnr * visit.SkyNoiseNjy)
                {
                    yield return (visit, detector, i);
                }
            }
        }
    }

    [Fact]
    public void The_image_and_catalog_front_ends_see_the_same_new_transients_on_a_new_visit()
    {
        var truth = Survey.Truth;
        var catalog = new CatalogFrontEnd(Survey, extraMonths: 1);
        var firstMonthEnd = truth.EndMjd + Cadence.DaysPerMonth;
        var cases = DetectableNewTransients(v => v.MidpointMjdTai < firstMonthEnd)
            .Where(c => truth.TransientActive(c.Transient, c.Visit.MidpointMjdTai)).ToList();
        Assert.NotEmpty(cases);
        var objectOfTransient = new Dictionary<int, long>();
        foreach (var (visit, detector, transient) in cases)
        {
            var position = truth.TransientPosition(transient);

            // The catalog front end: a DiaSource on that detector-visit at the transient, one generator object per transient.
            var rows = catalog.Rows(visit.VisitId, detector);
            var row = Assert.Single(rows, r => AngularDistance.Degrees(position, SkyPosition.FromDegrees(r.Ra, r.Dec)) < 1.0 / 3600);
            var objectId = catalog.TruthObjectId(row.DiaSourceId);
            Assert.NotNull(objectId);
            if (objectOfTransient.TryGetValue(transient, out var earlier))
            {
                Assert.Equal(earlier, objectId);
            }

            objectOfTransient[transient] = objectId.Value;
        }

        // The image front end's renderer: the same transient, at the same position, with the truth's flux, drawn on a
        // window of that detector around it (the first few cases: rendering costs more than the catalog).
        foreach (var (visit, detector, transient) in cases.Take(4))
        {
            var position = truth.TransientPosition(transient);
            Assert.True(visit.Geometry.TryLocate(position, out _, out var x, out var y));
            const int Size = 128;
            var x0 = Math.Clamp((int)x - Size / 2, 0, CameraLayout.DetectorPixels - Size);
            var y0 = Math.Clamp((int)y - Size / 2, 0, CameraLayout.DetectorPixels - Size);
            var rendered = new DetectorRenderer(truth, new RenderOptions { Window = (x0, y0, Size, Size), Parallelism = 1 }).Render(visit, detector);
            var drawn = Assert.Single(rendered.Truth, t => t.Kind == RenderedKind.Transient && t.Index == transient);
            Assert.Equal(position.RaDeg, drawn.RaDeg, 9);
            Assert.Equal(position.DecDeg, drawn.DecDeg, 9);
            Assert.Equal(truth.TransientFlux(transient, visit.Band, visit.MidpointMjdTai), drawn.ScienceFluxNjy, 6);
        }

        // And neither draws a continuation transient on a history visit: the history's last visit has none.
        var lastHistory = Survey.Cadence.Visits[Survey.HistoryVisitCount - 1];
        Assert.All(Enumerable.Range(truth.HistoryTransientCount, truth.TransientCount - truth.HistoryTransientCount),
            i => Assert.Equal(0.0, truth.TransientFlux(i, lastHistory.Band, lastHistory.MidpointMjdTai)));
    }

    [Fact]
    public void With_nothing_added_there_are_no_new_objects_and_the_fractions_are_null()
    {
        var scorer = new NewObjectScorer(Survey.Truth, Survey.Cadence.Visits.Take(Survey.HistoryVisitCount));
        var score = scorer.Score();
        Assert.Equal(new NewObjectScore(0, 0, 0, 0), score);
        Assert.Null(score.Completeness);
        Assert.Null(score.LaterAssociation);

        // A detector-visit with no transient on it adds none either.
        var visit = Survey.NewVisits[0];
        var empty = Enumerable.Range(0, CameraLayout.DetectorCount).First(d => !DetectableNewTransients(v => v == visit).Any(c => c.Detector == d));
        scorer.Add(visit, empty, []);
        Assert.Equal(0, scorer.Score().Transients);
    }

    [Fact]
    public void New_object_completeness_counts_the_first_DiaObject_and_the_later_sources_on_it()
    {
        var truth = Survey.Truth;
        var history = Survey.Cadence.Visits.Take(Survey.HistoryVisitCount).ToList();
        var sightings = DetectableNewTransients().GroupBy(c => c.Transient).First(g => g.Count() >= 3).Take(3).ToList();
        var transient = sightings[0].Transient;
        var position = truth.TransientPosition(transient);
        var near = SkyPosition.FromDegrees(position.RaDeg, position.DecDeg + 0.3 / 3600);
        var far = SkyPosition.FromDegrees(position.RaDeg, position.DecDeg + 1.5 / 3600);

        // The same detector-visits without any DiaSource: every new transient on them counts, none found.
        var blank = new NewObjectScorer(truth, history);
        foreach (var (visit, detector, _) in sightings)
        {
            blank.Add(visit, detector, []);
        }

        var others = blank.Score().Transients - 1;
        Assert.True(others >= 0);
        Assert.Equal(new NewObjectScore(others + 1, 0, 0, 0), blank.Score());
        Assert.Equal(0.0, blank.Score().Completeness);

        // Sources at the transient: object 100 twice, then object 200; a source 1.5" away and a dropped one do not count.
        var scorer = new NewObjectScorer(truth, history);
        scorer.Add(sightings[0].Visit, sightings[0].Detector, [Source(1, far, 999), Source(2, near, 100)]);
        scorer.Add(sightings[1].Visit, sightings[1].Detector, [Source(3, near, 100)]);
        scorer.Add(sightings[2].Visit, sightings[2].Detector, [Source(4, near, 200)]);
        var score = scorer.Score();
        Assert.Equal(new NewObjectScore(others + 1, 1, 2, 1), score);
        Assert.Equal(1.0 / (others + 1), score.Completeness);
        Assert.Equal(0.5, score.LaterAssociation);

        var dropped = new NewObjectScorer(truth, history);
        dropped.Add(sightings[0].Visit, sightings[0].Detector, [Source(5, near, null)]);
        Assert.Equal(0, dropped.Score().WithDiaObject);
    }

    [Fact]
    public void A_transient_detectable_during_the_history_is_never_a_new_object()
    {
        var truth = Survey.Truth;
        var history = Survey.Cadence.Visits.Take(Survey.HistoryVisitCount).ToList();
        var scorer = new NewObjectScorer(truth, history);
        Assert.InRange(scorer.DetectableInHistory, 1, truth.HistoryTransientCount);

        // A history transient still detectable on a new visit: its sources there are not counted as new.
        var old = Survey.NewVisits
            .SelectMany(v => Enumerable.Range(0, truth.HistoryTransientCount).Select(i => (Visit: v, Transient: i)))
            .First(c => c.Visit.Geometry.TryLocate(truth.TransientPosition(c.Transient), out _, out _, out _)
                && truth.TransientFlux(c.Transient, c.Visit.Band, c.Visit.MidpointMjdTai) >= 5 * c.Visit.SkyNoiseNjy
                && history.Any(h => h.Geometry.TryLocate(truth.TransientPosition(c.Transient), out _, out _, out _)
                    && truth.TransientFlux(c.Transient, h.Band, h.MidpointMjdTai) >= 5 * h.SkyNoiseNjy));
        Assert.True(old.Visit.Geometry.TryLocate(truth.TransientPosition(old.Transient), out var detector, out _, out _));
        var withOld = new NewObjectScorer(truth, history);
        withOld.Add(old.Visit, detector, [Source(1, truth.TransientPosition(old.Transient), 7)]);
        var without = new NewObjectScorer(truth, history);
        without.Add(old.Visit, detector, []);
        Assert.Equal(without.Score().Transients, withOld.Score().Transients);
        Assert.Equal(without.Score().WithDiaObject, withOld.Score().WithDiaObject);
    }

    private static DiaSource Source(long id, SkyPosition position, long? diaObjectId) =>
        new() { DiaSourceId = id, Ra = position.RaDeg, Dec = position.DecDeg, DiaObjectId = diaObjectId };
}
