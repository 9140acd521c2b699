using Apdb.Tests.Shared;
using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace Apdb.Cli.Tests;

/// <summary><c>apdb run</c>: bad inputs (one line, exit 1, nothing written) and one detector-visit end to end.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class RunCommandTests : IClassFixture<PipelineCliDatabase>, IDisposable
{
    private readonly PipelineCliDatabase _database;
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-cli-run-").FullName;

    public RunCommandTests(PipelineCliDatabase database)
    {
        _database = database;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("--visits 0", "--visits 0")]
    [InlineData("--workers 65", "--workers 65")]
    [InlineData("--detectors 190", "--detectors 190")]
    [InlineData("--frontend magic", "--frontend 'magic'")]
    [InlineData("--visit abc", "--visit: 'abc'")]
    [InlineData("--detector-ids 189", "--detector-ids: '189'")]
    [InlineData("--trace /no/such/dir/t.json", "/no/such/dir")]
    public async Task Bad_options_fail_with_one_line_naming_the_option(string options, string expected)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(["run", .. options.Split(' ')]);
        Assert.Equal(1, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Equal(string.Empty, stdout);
    }

    [Theory]
    [InlineData(64, 24_000_000_000L, 12)]
    [InlineData(2, 24_000_000_000L, null)]
    [InlineData(12, 24_000_000_000L, null)]
    [InlineData(4, 1_000_000_000L, 1)]
    public void Image_workers_are_capped_by_the_memory_they_need(int requested, long available, int? expected)
    {
        Assert.Equal(expected, Commands.RunCommand.WorkerCap(requested, available));
    }

    [Fact]
    public async Task Run_on_an_apdb_without_history_says_what_to_do()
    {
        var db = await _database.CreateDatabaseAsync("nohistory");
        var (code, _, stderr) = await CliRunner.RunAsync("run", "--db", db);
        Assert.Equal(1, code);
        Assert.Contains("no APDB schema", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await CliRunner.RunAsync("init", "--db", db);
        Assert.True(code == 0, stderr);
        (code, _, stderr) = await CliRunner.RunAsync("run", "--db", db);
        Assert.Equal(1, code);
        Assert.Contains("holds no history", stderr, StringComparison.Ordinal);
        Assert.Contains("load-history", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Visits_and_detectors_outside_the_loaded_region_are_refused_and_nothing_is_written()
    {
        var db = await TinyAsync();
        var (code, _, stderr) = await CliRunner.RunAsync("run", "--db", db, "--visit", "123");
        Assert.Equal(1, code);
        Assert.Contains("--visit 123 is not a visit", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await CliRunner.RunAsync("run", "--db", db, "--visits", "1", "--detector-ids", "0");
        Assert.Equal(1, code);
        Assert.Contains("detector 0", stderr, StringComparison.Ordinal);
        Assert.Contains("outside the loaded tiny region", stderr, StringComparison.Ordinal);
        Assert.Equal(350, await CountAsync(db, "SELECT count(*) FROM apdb_visit_detector"));
    }

    [Fact]
    public async Task One_detector_visit_runs_end_to_end_reports_every_stage_a_rerun_of_it_skips_it_and_a_plain_rerun_continues()
    {
        long firstVisit;
        var db = await TinyAsync();
        var trace = Path.Combine(_dir, "trace.json");
        var (code, stdout, stderr) = await CliRunner.RunAsync(
            "run", "--db", db, "--visits", "1", "--detectors", "1", "--frontend", "catalog", "--trace", trace, "--out", Path.Combine(_dir, "out"), "--json");
        Assert.True(code == 0, stderr);
        using (var json = JsonDocument.Parse(stdout))
        {
            var root = json.RootElement;
            Assert.Equal(1, root.GetProperty("detectorVisits").GetInt32());
            var stages = root.GetProperty("stages");
            foreach (var stage in new[] { "preload", "isr", "calibrate", "subtract", "detect", "associate", "diaCalculation", "forcedPhot", "store" })
            {
                Assert.True(stages.TryGetProperty(stage, out var s), stage);
                Assert.True(s.TryGetProperty("seconds", out _));
                Assert.True(s.TryGetProperty("calls", out _));
            }

            Assert.Equal(1, stages.GetProperty("store").GetProperty("calls").GetInt32());
            Assert.True(root.GetProperty("rows").GetProperty("DiaSource").GetInt64() > 0);
            Assert.True(root.GetProperty("association").TryGetProperty("purity", out _));
            var newObjects = root.GetProperty("newObjects");
            Assert.Equal(5, newObjects.GetProperty("minTruthSnr").GetDouble());
            Assert.Equal(newObjects.GetProperty("transients").GetInt32() == 0 ? JsonValueKind.Null : JsonValueKind.Number,
                newObjects.GetProperty("completeness").ValueKind);
            var perVisit = root.GetProperty("perVisit").EnumerateArray().Single();
            firstVisit = perVisit.GetProperty("visit").GetInt64();
            Assert.True(perVisit.GetProperty("historyVisits").GetInt32() > 50);
            Assert.True(perVisit.GetProperty("apdbReadSeconds").GetDouble() > 0);
        }

        using (var traceJson = JsonDocument.Parse(File.ReadAllText(trace)))
        {
            var events = traceJson.RootElement.GetProperty("traceEvents").EnumerateArray().ToArray();
            var names = events.Where(e => e.GetProperty("ph").GetString() == "X").Select(e => e.GetProperty("name").GetString()).ToHashSet();
            Assert.Contains("preload", names);
            Assert.Contains("store", names);
            Assert.All(events, e => Assert.True(e.TryGetProperty("pid", out _) && e.TryGetProperty("tid", out _)));
        }

        Assert.True(File.Exists(Path.Combine(_dir, "out", "stages.png")));
        Assert.True(File.Exists(Path.Combine(_dir, "out", "forced-phot.png")));
        var rows = await CountAsync(db, "SELECT count(*) FROM \"DiaSource\"");

        (code, stdout, stderr) = await CliRunner.RunAsync("run", "--db", db, "--visit", firstVisit.ToString(CultureInfo.InvariantCulture), "--detectors", "1",
            "--frontend", "catalog", "--out", Path.Combine(_dir, "again"), "--json");
        Assert.True(code == 0, stderr);
        using (var again = JsonDocument.Parse(stdout))
        {
            Assert.Equal(0, again.RootElement.GetProperty("detectorVisits").GetInt32());
            Assert.Contains("already stored", again.RootElement.GetProperty("skipped")[0].GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, again.RootElement.GetProperty("association").GetProperty("purity").ValueKind);
            var none = again.RootElement.GetProperty("newObjects");
            Assert.Equal(0, none.GetProperty("transients").GetInt32());
            Assert.Equal(JsonValueKind.Null, none.GetProperty("completeness").ValueKind);
            Assert.Equal(JsonValueKind.Null, none.GetProperty("laterAssociation").ValueKind);
        }

        Assert.Equal(rows, await CountAsync(db, "SELECT count(*) FROM \"DiaSource\""));
        Assert.False(Directory.Exists(Path.Combine(_dir, "again")), "a run that processed nothing drew plots");

        // Without --visit, run continues the survey: the next visit not yet stored.
        (code, stdout, stderr) = await CliRunner.RunAsync("run", "--db", db, "--visits", "1", "--detectors", "1", "--frontend", "catalog", "--out", Path.Combine(_dir, "next"), "--json");
        Assert.True(code == 0, stderr);
        using (var next = JsonDocument.Parse(stdout))
        {
            Assert.Equal(1, next.RootElement.GetProperty("detectorVisits").GetInt32());
            Assert.NotEqual(firstVisit, next.RootElement.GetProperty("perVisit")[0].GetProperty("visit").GetInt64());
        }
    }

    [Fact]
    public async Task Visits_run_out_of_order_keep_one_open_version_per_object_and_the_newest_in_DiaObjectLast()
    {
        var (v1, v2, firstMjd) = await NextTwoVisitsAsync();
        var db = await TinyAsync();
        foreach (var visit in new[] { v2, v1 })
        {
            var (code, _, stderr) = await CliRunner.RunAsync(
                "run", "--db", db, "--visit", visit.ToString(CultureInfo.InvariantCulture), "--detectors", "2", "--frontend", "catalog", "--out", Path.Combine(_dir, $"o{visit}"), "--json");
            Assert.True(code == 0, stderr);
        }

        await AssertInvariantsAsync(db, firstMjd);
    }

    [Fact]
    public async Task Two_runs_at_once_on_different_visits_keep_every_invariant()
    {
        var (v1, v2, firstMjd) = await NextTwoVisitsAsync();
        var db = await TinyAsync();
        var runs = await Task.WhenAll(new[] { v1, v2 }.Select(visit => CliProcess.RunAsync(
            "run", "--db", db, "--visit", visit.ToString(CultureInfo.InvariantCulture), "--detectors", "2", "--workers", "2", "--frontend", "catalog",
            "--out", Path.Combine(_dir, $"c{visit}"), "--json")));
        Assert.All(runs, r => Assert.True(r.ExitCode == 0, r.Stderr));
        Assert.Equal(4, await CountAsync(db, "SELECT count(*) FROM apdb_visit_detector WHERE visit IN (" + v1 + ", " + v2 + ")"));

        await AssertInvariantsAsync(db, firstMjd);
    }

    /// <summary>The first two visits after the tiny history, and the first one's time, from an in-order run.</summary>
    private async Task<(long First, long Second, double FirstMjd)> NextTwoVisitsAsync()
    {
        var db = await TinyAsync();
        var (code, stdout, stderr) = await CliRunner.RunAsync(
            "run", "--db", db, "--visits", "2", "--detectors", "1", "--frontend", "catalog", "--out", Path.Combine(_dir, "plan"), "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var visits = json.RootElement.GetProperty("perVisit").EnumerateArray().Select(v => v.GetProperty("visit").GetInt64()).ToArray();
        Assert.Equal(2, visits.Length);
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT min(\"visitMjdTai\") FROM apdb_visit_detector WHERE visit = @v", connection);
        command.Parameters.AddWithValue("v", visits[0]);
        return (visits[0], visits[1], (double)(await command.ExecuteScalarAsync())!);
    }

    private static async Task AssertInvariantsAsync(string db, double firstNewVisitMjd)
    {
        await using var dataSource = NpgsqlDataSource.Create(db);
        Assert.Empty(await ApdbInvariants.ViolationsAsync(dataSource));
        Assert.Empty(await ApdbInvariants.SummaryViolationsAsync(dataSource, since: firstNewVisitMjd));
    }

    private async Task<string> TinyAsync()
    {
        var db = await _database.CreateDatabaseAsync("run");
        var (code, _, stderr) = await CliRunner.RunAsync("load-history", "--db", db, "--preset", "tiny", "--json");
        Assert.True(code == 0, stderr);
        return db;
    }

    private static async Task<long> CountAsync(string db, string sql)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
