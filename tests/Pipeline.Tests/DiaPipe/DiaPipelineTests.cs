using Apdb.Frontend;
using Apdb.Pipeline.DiaPipe;
using Apdb.Pipeline.Tests.Pipeline;
using Apdb.Simulation;
using Apdb.Sky;
using Apdb.Tests.Support;

namespace Apdb.Pipeline.Tests.DiaPipe;

/// <summary>DiaPipe on the first new detector-visit after the 12-month tiny history, with catalog-level DiaSources.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DiaPipelineTests : IAsyncLifetime
{
    private readonly PostgresServer _server;
    private TinyApdb _apdb = null!;
    private CatalogFrontEnd _front = null!;
    private Visit _visit = null!;
    private int _detector;

    public DiaPipelineTests(PostgresServer server)
    {
        _server = server;
    }

    public async Task InitializeAsync()
    {
        _apdb = await TinyApdb.CreateAsync(_server, "diapipe");
        _front = new CatalogFrontEnd(_apdb.Survey, extraMonths: 1);
        _visit = _apdb.Survey.NewVisits[0];
        _detector = _apdb.Survey.DetectorsOnRegion(_visit, 1)[0];
    }

    public async Task DisposeAsync() => await _apdb.DisposeAsync();

    [Fact]
    public async Task Sources_of_known_history_objects_associate_to_them()
    {
        var result = await new DiaPipeline(_apdb.Store).ProcessAsync(_visit, _detector, _front);
        var preloaded = result.PreloadedObjects.Select(o => o.DiaObjectId).ToHashSet();
        var checkedSources = 0;
        foreach (var s in result.Sources)
        {
            // The generator's association is exact (by truth); its ids of history objects are the APDB's.
            if (_front.TruthObjectId(s.DiaSourceId) is { } truth && preloaded.Contains(truth))
            {
                Assert.Equal(truth, s.DiaObjectId);
                checkedSources++;
            }
        }

        Assert.True(checkedSources >= 5, $"only {checkedSources} sources of history objects");
        Assert.Equal(checkedSources, result.Counts.Matched);
    }

    [Fact]
    public async Task The_front_end_gets_the_preloaded_objects_with_two_or_more_sources_as_known_variables()
    {
        var recording = new RecordingFrontEnd(_front);
        var result = await new DiaPipeline(_apdb.Store).ProcessAsync(_visit, _detector, recording);
        var expected = result.PreloadedObjects.Where(o => o.NDiaSources >= 2).Select(o => (o.Ra, o.Dec)).Order().ToList();
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < result.PreloadedObjects.Count, "some preloaded objects have one DiaSource");
        Assert.Equal(expected, recording.Received!.Select(p => (p.RaDeg, p.DecDeg)).Order().ToList());

        var none = new RecordingFrontEnd(_front);
        await new DiaPipeline(_apdb.Store, new DiaPipeOptions { KnownVariableMinDiaSources = 0, ReplaceExisting = true }).ProcessAsync(_visit, _detector, none);
        Assert.Empty(none.Received!);
    }

    /// <summary>Records the known variables the pipeline hands over, then runs the catalog front end.</summary>
    private sealed class RecordingFrontEnd(IDetectorFrontEnd inner) : IDetectorFrontEnd
    {
        public IReadOnlyList<SkyPosition>? Received { get; private set; }

        public FrontEndResult Process(Visit visit, int detector, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the pipeline should pass the known variables");

        public FrontEndResult Process(Visit visit, int detector, Task<IReadOnlyList<SkyPosition>> knownVariables, CancellationToken cancellationToken = default)
        {
            var result = inner.Process(visit, detector, cancellationToken);
            Received = knownVariables.GetAwaiter().GetResult();
            return result;
        }
    }

    [Fact]
    public async Task New_objects_take_the_id_of_their_source_and_bad_sources_are_dropped()
    {
        var result = await new DiaPipeline(_apdb.Store).ProcessAsync(_visit, _detector, _front);
        var created = result.Sources.Where(s => s.DiaObjectId == s.DiaSourceId).Select(s => s.DiaSourceId).ToArray();
        Assert.NotEmpty(created);
        Assert.Equal(result.Counts.NewObjects, created.Length);
        Assert.Equal(created.Length, await _apdb.ScalarAsync(
            "SELECT count(*) FROM \"DiaObjectLast\" WHERE \"diaObjectId\" = ANY(@ids) AND \"nDiaSources\" = 1", ("ids", created)));

        var dropped = result.Sources.Where(s => s.DiaObjectId is null).ToArray();
        Assert.Equal(result.Counts.Dropped, dropped.Length);
        Assert.All(dropped, s => Assert.True(NewObjectFilter.Rejects(s, new DiaPipeOptions())));
        Assert.Equal(0, await _apdb.ScalarAsync("SELECT count(*) FROM \"DiaSource\" WHERE \"diaSourceId\" = ANY(@ids)", ("ids", dropped.Select(s => s.DiaSourceId).ToArray())));
        Assert.Equal(result.Sources.Count - dropped.Length, await _apdb.ScalarAsync(
            "SELECT count(*) FROM \"DiaSource\" WHERE visit = @v AND detector = @d", ("v", _visit.VisitId), ("d", (short)_detector)));
    }

    [Fact]
    public async Task A_visit_that_would_create_more_new_objects_than_MaxNewDiaObjects_is_refused_and_stores_nothing()
    {
        var ex = await Assert.ThrowsAsync<ApdbUserException>(() =>
            new DiaPipeline(_apdb.Store, new DiaPipeOptions { MaxNewDiaObjects = 1 }).ProcessAsync(_visit, _detector, _front));
        Assert.Matches(@"^the detector-visit would create \d+ new DiaObjects, more than maxNewDiaObjects = 1; refused, nothing stored$", ex.Message);
        Assert.Equal(0, await _apdb.ScalarAsync(
            "SELECT count(*) FROM \"DiaSource\" WHERE visit = @v AND detector = @d", ("v", _visit.VisitId), ("d", (short)_detector)));

        // A limit above the visit's count lets it through.
        var result = await new DiaPipeline(_apdb.Store, new DiaPipeOptions { MaxNewDiaObjects = 100_000 }).ProcessAsync(_visit, _detector, _front);
        Assert.True(result.Counts.NewObjects > 1);
    }

    [Fact]
    public async Task Summaries_of_updated_objects_get_a_new_version_over_the_twelve_month_window()
    {
        var t = _visit.MidpointMjdTai;
        var result = await new DiaPipeline(_apdb.Store).ProcessAsync(_visit, _detector, _front);
        var matched = result.Sources.Where(s => s.DiaObjectId is { } id && id != s.DiaSourceId).Select(s => s.DiaObjectId!.Value).Distinct().ToArray();
        Assert.NotEmpty(matched);
        Assert.Equal(matched.Length, await _apdb.ScalarAsync(
            "SELECT count(*) FROM \"DiaObjectLast\" WHERE \"diaObjectId\" = ANY(@ids) AND \"validityStartMjdTai\" = @t", ("ids", matched), ("t", t)));
        Assert.Equal(matched.Length, await _apdb.ScalarAsync(
            "SELECT count(DISTINCT \"diaObjectId\") FROM \"DiaObject\" WHERE \"diaObjectId\" = ANY(@ids) AND \"validityEndMjdTai\" = @t", ("ids", matched), ("t", t)));
        foreach (var id in matched.Take(10))
        {
            var n = await _apdb.ScalarAsync("SELECT \"nDiaSources\" FROM \"DiaObjectLast\" WHERE \"diaObjectId\" = @id", ("id", id));
            var window = await _apdb.ScalarAsync(
                "SELECT count(*) FROM \"DiaSource\" WHERE \"diaObjectId\" = @id AND \"midpointMjdTai\" > @start", ("id", id), ("start", t - 360.0));
            Assert.Equal(window, n);
            var last = await _apdb.ScalarAsync("SELECT (\"lastDiaSourceMjdTai\" = @t)::int FROM \"DiaObjectLast\" WHERE \"diaObjectId\" = @id", ("id", id), ("t", t));
            Assert.Equal(1, last);
        }
    }

    [Fact]
    public async Task Forced_sources_are_written_for_the_target_set_only()
    {
        var t = _visit.MidpointMjdTai;
        var result = await new DiaPipeline(_apdb.Store).ProcessAsync(_visit, _detector, _front);
        var footprint = _visit.Geometry.Footprint(_detector).ToPolygon();
        var expected = new List<long>();
        var all = await _apdb.Store.GetDiaObjectsAsync(_visit.Geometry.Footprint(_detector).ToPolygon(60.0));

        // ap_association's rule: two good sources in the window (reliability >= 0.5, trail <= 1.4", no glint or dipole);
        // a column the source does not carry does not count against it.
        var good = (await _apdb.Store.GetDiaSourcesAsync(all.Select(o => o.DiaObjectId).ToArray(), t))
            .Where(s => s.MidpointMjdTai <= t && (s.Reliability is not { } r || r >= 0.5f) && (s.TrailLength is not { } l || l <= 1.4f) && s.GlintTrail != true && s.IsDipole != true)
            .GroupBy(s => s.DiaObjectId!.Value).ToDictionary(g => g.Key, g => g.Count());
        foreach (var o in all)
        {
            if (o.NDiaSources >= 2 && good.GetValueOrDefault(o.DiaObjectId) >= 2 && footprint.Contains(SkyPosition.FromDegrees(o.Ra, o.Dec)))
            {
                expected.Add(o.DiaObjectId);
            }
        }

        var forced = await _apdb.Store.GetDiaForcedSourcesAsync(all.Select(o => o.DiaObjectId).ToArray(), t);
        var written = forced.Where(f => f.Visit == _visit.VisitId && f.Detector == _detector).Select(f => f.DiaObjectId).Order().ToArray();
        Assert.NotEmpty(written);
        Assert.Equal(expected.Order().ToArray(), written);
        Assert.Equal(result.Counts.ForcedSources, written.Length);
    }

    [Fact]
    public async Task Store_is_atomic_when_it_fails_after_the_objects_were_written()
    {
        var t = _visit.MidpointMjdTai;
        var existing = await _apdb.ScalarAsync("SELECT min(\"diaSourceId\") FROM \"DiaSource\"");
        // The last source takes the id of a history DiaSource: the store writes the DiaObject versions first, then
        // finds the clash and must roll everything back.
        var clashing = new ScriptedFrontEnd(_front, (_, _, sources) =>
        {
            sources[^1].DiaSourceId = existing;
            return sources;
        });
        await Assert.ThrowsAsync<ApdbUserException>(() => new DiaPipeline(_apdb.Store).ProcessAsync(_visit, _detector, clashing));

        Assert.False(await _apdb.Store.ContainsVisitDetectorAsync(new DetectorVisit(_visit.VisitId, (short)_detector)));
        Assert.Equal(0, await _apdb.ScalarAsync("SELECT count(*) FROM \"DiaObject\" WHERE \"validityStartMjdTai\" = @t OR \"validityEndMjdTai\" = @t", ("t", t)));
        Assert.Equal(0, await _apdb.ScalarAsync("SELECT count(*) FROM \"DiaObjectLast\" WHERE \"validityStartMjdTai\" = @t", ("t", t)));
        Assert.Equal(0, await _apdb.ScalarAsync("SELECT count(*) FROM \"DiaSource\" WHERE visit = @v", ("v", _visit.VisitId)));
        Assert.Equal(0, await _apdb.ScalarAsync("SELECT count(*) FROM \"DiaForcedSource\" WHERE visit = @v", ("v", _visit.VisitId)));
    }

    [Fact]
    public async Task The_continued_cadence_repeats_the_history_visits_exactly()
    {
        var survey = _apdb.Survey;
        var history = Cadence.Create(survey.Preset, survey.Months, survey.Seed).Visits;
        Assert.Equal(history.Count, survey.HistoryVisitCount);
        for (var i = 0; i < history.Count; i++)
        {
            Assert.Equal(history[i].VisitId, survey.Cadence.Visits[i].VisitId);
            Assert.Equal(history[i].MidpointMjdTai, survey.Cadence.Visits[i].MidpointMjdTai);
        }

        Assert.NotEmpty(survey.NewVisits);
        Assert.True(survey.NewVisits[0].MidpointMjdTai > history[^1].MidpointMjdTai);
        Assert.Equal(history.Count, survey.NewVisits[0].Index);
    }
}
