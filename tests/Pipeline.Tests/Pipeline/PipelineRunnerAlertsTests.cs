using Apdb.Alerts;
using Apdb.Tests.Support;

namespace Apdb.Pipeline.Tests.Pipeline;

/// <summary>Alerts in the runner: written after the store commits; a failed alert never undoes the store.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PipelineRunnerAlertsTests : IAsyncLifetime
{
    private readonly PostgresServer _server;
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-runner-alerts-").FullName;
    private TinyApdb _apdb = null!;
    private CatalogFrontEnd _front = null!;

    public PipelineRunnerAlertsTests(PostgresServer server)
    {
        _server = server;
    }

    public async Task InitializeAsync()
    {
        _apdb = await TinyApdb.CreateAsync(_server, "runner_alerts");
        _front = new CatalogFrontEnd(_apdb.Survey, extraMonths: 1);
    }

    public async Task DisposeAsync()
    {
        await _apdb.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Each_stored_detector_visit_gets_one_file_with_one_packet_per_stored_DiaSource()
    {
        var visit = _apdb.Survey.NewVisits[0];
        var plan = new List<PlannedVisit> { new(visit, _apdb.Survey.DetectorsOnRegion(visit, 2)) };
        var alerts = new AlertPackager(new AlertFileWriter(Path.Combine(_dir, "alerts")));
        alerts.Writer.EnsureWritable();

        var report = await new PipelineRunner(_apdb.Store, _apdb.Survey, _front) { Alerts = alerts }.RunAsync(plan, 2);

        Assert.Null(report.Failure);
        Assert.Empty(report.Failed);
        Assert.Equal(plan[0].Detectors.Count, report.Stages["alerts"].Calls);
        foreach (var detector in plan[0].Detectors)
        {
            var file = Path.Combine(alerts.Writer.Directory, AlertFileWriter.FileName(new DetectorVisit(visit.VisitId, (short)detector), AlertFormat.Avro));
            var stored = await _apdb.ScalarAsync("SELECT count(*) FROM \"DiaSource\" WHERE visit = @v AND detector = @d", ("v", visit.VisitId), ("d", (short)detector));
            Assert.Equal(stored, AlertFileReader.Read(file).Count);
        }

        Assert.Equal(report.Rows["DiaSource"], report.Rows["alerts"]);
    }

    [Fact]
    public async Task An_alert_directory_that_fails_after_the_start_is_reported_and_the_store_stands()
    {
        var visit = _apdb.Survey.NewVisits[1];
        var detector = _apdb.Survey.DetectorsOnRegion(visit, 1)[0];
        var target = Path.Combine(_dir, "broken");
        var alerts = new AlertPackager(new AlertFileWriter(target));
        alerts.Writer.EnsureWritable();
        Directory.Delete(target);
        File.WriteAllText(target, "a file where the directory was");

        var report = await new PipelineRunner(_apdb.Store, _apdb.Survey, _front) { Alerts = alerts }.RunAsync([new(visit, [detector])], 1);

        Assert.Null(report.Failure);
        Assert.Equal(1, report.DetectorVisits);
        var failed = Assert.Single(report.Failed);
        Assert.Contains("stored, but no alerts were written", failed, StringComparison.Ordinal);
        Assert.False(report.InternalFailure);
        Assert.True(await _apdb.ScalarAsync("SELECT count(*) FROM apdb_visit_detector WHERE visit = @v AND detector = @d", ("v", visit.VisitId), ("d", (short)detector)) == 1);
        Assert.Equal(["broken"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }
}
