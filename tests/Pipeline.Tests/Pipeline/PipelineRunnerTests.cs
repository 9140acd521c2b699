using Apdb.Frontend;
using Apdb.Pipeline.DiaPipe;
using Apdb.Records;
using Apdb.Simulation;
using Apdb.Sky;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Pipeline.Tests.Pipeline;

/// <summary>The runner: resumable, no duplicate objects across visits, a database that goes away mid-run.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PipelineRunnerTests : IAsyncLifetime
{
    private readonly PostgresServer _server;
    private TinyApdb _apdb = null!;
    private CatalogFrontEnd _front = null!;

    public PipelineRunnerTests(PostgresServer server)
    {
        _server = server;
    }

    public async Task InitializeAsync()
    {
        _apdb = await TinyApdb.CreateAsync(_server, "runner");
        _front = new CatalogFrontEnd(_apdb.Survey, extraMonths: 1);
    }

    public async Task DisposeAsync() => await _apdb.DisposeAsync();

    [Fact]
    public async Task A_rerun_skips_stored_detector_visits_and_replace_rewrites_them()
    {
        var visit = _apdb.Survey.NewVisits[0];
        var plan = new List<PlannedVisit> { new(visit, _apdb.Survey.DetectorsOnRegion(visit, 2)) };
        var first = await new PipelineRunner(_apdb.Store, _apdb.Survey, _front).RunAsync(plan, 2);
        Assert.Null(first.Failure);
        Assert.Equal(plan[0].Detectors.Count, first.DetectorVisits);
        Assert.True(first.Association.Expected > 0);
        Assert.True(first.Association.Purity >= 0.99, $"purity {first.Association.Purity}");
        Assert.True(first.Association.Completeness >= 0.99, $"completeness {first.Association.Completeness}");
        var rows = await _apdb.ScalarAsync("SELECT count(*) FROM \"DiaSource\"");
        var versions = await _apdb.ScalarAsync("SELECT count(*) FROM \"DiaObject\"");

        var second = await new PipelineRunner(_apdb.Store, _apdb.Survey, _front).RunAsync(plan, 2);
        Assert.Null(second.Failure);
        Assert.Equal(0, second.DetectorVisits);
        Assert.Equal(plan[0].Detectors.Count, second.Skipped.Count);
        Assert.All(second.Skipped, m => Assert.Contains("already stored", m, StringComparison.Ordinal));
        Assert.Equal(rows, await _apdb.ScalarAsync("SELECT count(*) FROM \"DiaSource\""));

        var replaced = await new PipelineRunner(_apdb.Store, _apdb.Survey, _front, new DiaPipeOptions { ReplaceExisting = true }).RunAsync(plan, 2);
        Assert.Null(replaced.Failure);
        Assert.Equal(plan[0].Detectors.Count, replaced.DetectorVisits);
        Assert.Equal(rows, await _apdb.ScalarAsync("SELECT count(*) FROM \"DiaSource\""));
        Assert.Equal(versions, await _apdb.ScalarAsync("SELECT count(*) FROM \"DiaObject\""));
    }

    [Fact]
    public async Task One_new_source_seen_by_two_detectors_in_consecutive_visits_makes_one_object()
    {
        var (v1, d1, v2, d2, p) = await FindSharedPointAsync();
        var front = SingleSource(v1, d1, v2, d2, p);
        var report = await new PipelineRunner(_apdb.Store, _apdb.Survey, front).RunAsync([new(v2, [d2]), new(v1, [d1])], workers: 2);
        Assert.Null(report.Failure);
        Assert.Equal(2, report.DetectorVisits);
        var near = await ObjectsNearAsync(p);
        Assert.Single(near);
        Assert.Equal(DiaPipeline.PackId(v1.Index, d1, 60000), near[0].DiaObjectId);
        Assert.Equal(2, near[0].NDiaSources);
    }

    [Fact]
    public async Task Without_the_visit_barrier_the_same_source_would_found_two_objects()
    {
        // What the runner's barrier prevents: the later visit's preload read before the earlier visit's store.
        var (v1, d1, v2, d2, p) = await FindSharedPointAsync();
        var front = SingleSource(v1, d1, v2, d2, p);
        var pipeline = new DiaPipeline(_apdb.Store);
        var early = await pipeline.PreloadAsync(pipeline.PreloadRegion(v1, d1), v1.MidpointMjdTai);
        var late = await pipeline.PreloadAsync(pipeline.PreloadRegion(v2, d2), v2.MidpointMjdTai);
        await pipeline.ProcessAsync(v1, d1, front, early);
        await pipeline.ProcessAsync(v2, d2, front, late);
        Assert.Equal(2, (await ObjectsNearAsync(p)).Count);
    }

    [Fact]
    public async Task When_the_database_goes_away_the_detector_visit_in_flight_leaves_nothing_and_a_rerun_resumes()
    {
        var visits = _apdb.Survey.NewVisits.Take(2).ToArray();
        var plan = visits.Select(v => new PlannedVisit(v, _apdb.Survey.DetectorsOnRegion(v, 1))).ToList();
        var database = new NpgsqlConnectionStringBuilder(_apdb.DataSource.ConnectionString).Database!;
        var cut = new ScriptedFrontEnd(_front, (_, _, sources) => sources, (visit, _) =>
        {
            if (visit == visits[1])
            {
                Admin($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false",
                    $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}' AND pid <> pg_backend_pid()");
            }
        });

        PipelineRunReport report;
        try
        {
            report = await new PipelineRunner(_apdb.Store, _apdb.Survey, cut).RunAsync(plan, 1);
        }
        finally
        {
            Admin($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
            _apdb.DataSource.Clear();
        }

        Assert.NotNull(report.Failure);
        Assert.Contains("rerun to resume", report.Failure, StringComparison.Ordinal);
        Assert.False(report.InternalFailure);
        Assert.Equal(1, report.DetectorVisits);
        var lost = new DetectorVisit(visits[1].VisitId, (short)plan[1].Detectors[0]);
        Assert.False(await _apdb.Store.ContainsVisitDetectorAsync(lost));
        Assert.Equal(0, await _apdb.ScalarAsync("SELECT count(*) FROM \"DiaSource\" WHERE visit = @v", ("v", visits[1].VisitId)));
        Assert.Equal(0, await _apdb.ScalarAsync("SELECT count(*) FROM \"DiaObject\" WHERE \"validityStartMjdTai\" = @t", ("t", visits[1].MidpointMjdTai)));

        var resumed = await new PipelineRunner(_apdb.Store, _apdb.Survey, _front).RunAsync(plan, 1);
        Assert.Null(resumed.Failure);
        Assert.Single(resumed.Skipped);
        Assert.Equal(1, resumed.DetectorVisits);
        Assert.True(await _apdb.Store.ContainsVisitDetectorAsync(lost));
    }

    [Fact]
    public async Task A_crashing_front_end_fails_its_detector_visit_only_and_stores_nothing_for_it()
    {
        var visit = _apdb.Survey.NewVisits[0];
        var detectors = _apdb.Survey.DetectorsOnRegion(visit, 2);
        Assert.Equal(2, detectors.Count);
        var crashing = new ScriptedFrontEnd(_front, (_, detector, sources) =>
            detector == detectors[1] ? throw new InvalidOperationException("no stars to calibrate") : sources);
        var report = await new PipelineRunner(_apdb.Store, _apdb.Survey, crashing).RunAsync([new(visit, detectors)], 2);
        Assert.Null(report.Failure);
        Assert.True(report.InternalFailure);
        var failed = Assert.Single(report.Failed);
        Assert.Contains("no stars to calibrate", failed, StringComparison.Ordinal);
        Assert.Equal(1, report.DetectorVisits);
        Assert.True(await _apdb.Store.ContainsVisitDetectorAsync(new DetectorVisit(visit.VisitId, (short)detectors[0])));
        Assert.False(await _apdb.Store.ContainsVisitDetectorAsync(new DetectorVisit(visit.VisitId, (short)detectors[1])));
        Assert.Equal(0, await _apdb.ScalarAsync("SELECT count(*) FROM \"DiaSource\" WHERE visit = @v AND detector = @d", ("v", visit.VisitId), ("d", (short)detectors[1])));
    }

    private void Admin(params string[] statements)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_server.AdminConnectionString) { Pooling = false }.ConnectionString);
        connection.Open();
        foreach (var sql in statements)
        {
            using var command = new NpgsqlCommand(sql, connection);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>A point on a detector in each of two consecutive new visits, at least 5 arcsec from every DiaObject.</summary>
    private async Task<(Visit V1, int D1, Visit V2, int D2, SkyPosition P)> FindSharedPointAsync()
    {
        var survey = _apdb.Survey;
        var objects = await _apdb.Store.GetDiaObjectsAsync(new SkyCone(survey.Preset.Center, 1.0));
        for (var k = 0; k + 1 < survey.NewVisits.Count; k++)
        {
            var (v1, v2) = (survey.NewVisits[k], survey.NewVisits[k + 1]);
            for (var i = 0; i < 400; i++)
            {
                // A spiral of candidate points over the region.
                var r = survey.Preset.RadiusDeg * Math.Sqrt((i + 0.5) / 400.0);
                var phi = i * 2.399963;
                var p = SkyPosition.FromDegrees(
                    survey.Preset.Center.RaDeg + (r * Math.Cos(phi) / Math.Cos(survey.Preset.Center.DecDeg * Math.PI / 180.0)),
                    survey.Preset.Center.DecDeg + (r * Math.Sin(phi)));
                if (v1.Geometry.TryLocate(p, out var d1, out _, out _) && v2.Geometry.TryLocate(p, out var d2, out _, out _)
                    && objects.All(o => AngularDistance.Degrees(p, SkyPosition.FromDegrees(o.Ra, o.Dec)) * 3600.0 > 5.0))
                {
                    return (v1, d1, v2, d2, p);
                }
            }
        }

        throw new InvalidOperationException("no point of the tiny region is on a detector in two consecutive new visits");
    }

    private IDetectorFrontEnd SingleSource(Visit v1, int d1, Visit v2, int d2, SkyPosition p) =>
        new ScriptedFrontEnd(_front, (visit, detector, _) =>
            (visit == v1 && detector == d1) || (visit == v2 && detector == d2) ? [Source(visit, detector, p)] : []);

    private static DiaSource Source(Visit visit, int detector, SkyPosition p) => new()
    {
        DiaSourceId = DiaPipeline.PackId(visit.Index, detector, 60000),
        Visit = visit.VisitId,
        Detector = (short)detector,
        MidpointMjdTai = visit.MidpointMjdTai,
        Ra = p.RaDeg,
        Dec = p.DecDeg,
        RaErr = 1e-5f,
        DecErr = 1e-5f,
        Band = visit.BandLetter.ToString(),
        PsfFlux = 5000f,
        PsfFluxErr = 200f,
        ScienceFlux = 6000f,
        ScienceFluxErr = 200f,
        Snr = 25f,
    };

    private async Task<List<DiaObjectLast>> ObjectsNearAsync(SkyPosition p) =>
        [.. (await _apdb.Store.GetDiaObjectsAsync(new SkyCone(p, 1.0 / 3600.0)))];
}
