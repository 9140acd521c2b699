using System.Globalization;
using System.Text.Json;
using Apdb.Alerts;
using Avro.Generic;
using Npgsql;

namespace Apdb.Cli.Tests;

/// <summary><c>apdb run --alerts</c> and <c>apdb alerts show</c>: packets agree with the APDB; bad inputs write nothing.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AlertsCommandTests : IClassFixture<PipelineCliDatabase>, IDisposable
{
    private readonly PipelineCliDatabase _database;
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-cli-alerts-").FullName;

    public AlertsCommandTests(PipelineCliDatabase database)
    {
        _database = database;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Run_writes_one_alert_per_stored_DiaSource_whose_history_is_the_light_curve_in_the_window()
    {
        var db = await TinyAsync();
        var alerts = Path.Combine(_dir, "alerts");
        var (code, stdout, stderr) = await CliRunner.RunAsync(
            "run", "--db", db, "--visits", "2", "--detectors", "2", "--frontend", "catalog", "--alerts", alerts, "--out", Path.Combine(_dir, "out"), "--json");
        Assert.True(code == 0, stderr);

        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        var detectorVisits = root.GetProperty("detectorVisits").GetInt32();
        var report = root.GetProperty("alerts");
        Assert.Equal(root.GetProperty("rows").GetProperty("DiaSource").GetInt64(), report.GetProperty("packets").GetInt64());
        Assert.Equal(detectorVisits, report.GetProperty("files").GetInt32());
        Assert.Equal(detectorVisits, root.GetProperty("stages").GetProperty("alerts").GetProperty("calls").GetInt32());

        var files = Directory.GetFiles(alerts);
        Assert.Equal(detectorVisits, files.Length);
        Assert.All(files, f => Assert.EndsWith(".avro", f, StringComparison.Ordinal));
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        var packets = 0;
        var withHistory = 0;
        foreach (var file in files)
        {
            var read = AlertFileReader.Read(file);
            var name = Path.GetFileNameWithoutExtension(file).Split('-');
            var (visit, detector) = (long.Parse(name[0]["visit".Length..], CultureInfo.InvariantCulture), short.Parse(name[1]["det".Length..], CultureInfo.InvariantCulture));
            var stored = await IdsAsync(connection, "SELECT \"diaSourceId\" FROM \"DiaSource\" WHERE visit = @a AND detector = @b", visit, detector);
            Assert.Equal(stored.Order(), read.Select(p => (long)p["diaSourceId"]).Order());
            foreach (var packet in read)
            {
                packets++;
                var source = (GenericRecord)packet["diaSource"];
                var objectId = (long)source["diaObjectId"];
                var diaObject = (GenericRecord)packet["diaObject"];
                Assert.Equal(objectId, (long)diaObject["diaObjectId"]);
                var t = (double)source["midpointMjdTai"];
                // The packet's DiaObject is the version stored with the source.
                Assert.Equal(t, (double)diaObject["validityStartMjdTai"]);
                var version = await IdsAsync(connection,
                    "SELECT \"nDiaSources\"::bigint FROM \"DiaObject\" WHERE \"diaObjectId\" = @a AND \"validityStartMjdTai\" = @b", objectId, t);
                Assert.Equal([(long)(int)diaObject["nDiaSources"]], version);
                var window = new object[] { objectId, t - (12 * 30.0), t };
                var prv = ((object[])packet["prvDiaSources"]).Cast<GenericRecord>().Select(s => (long)s["diaSourceId"]).ToList();
                var lightCurve = await IdsAsync(connection,
                    "SELECT id FROM light_curve(@a) WHERE kind = 'source' AND \"midpointMjdTai\" > @b AND \"midpointMjdTai\" < @c", window);
                Assert.Equal(lightCurve.Order(), prv.Order());
                var forced = ((object[])packet["prvDiaForcedSources"]).Cast<GenericRecord>().Select(s => (long)s["diaForcedSourceId"]).ToList();
                var forcedCurve = await IdsAsync(connection,
                    "SELECT id FROM light_curve(@a) WHERE kind = 'forced' AND \"midpointMjdTai\" > @b AND \"midpointMjdTai\" < @c", window);
                Assert.Equal(forcedCurve.Order(), forced.Order());
                withHistory += prv.Count > 0 ? 1 : 0;
                Assert.NotNull(packet["cutoutDifference"]);
                Assert.NotNull(packet["cutoutScience"]);
            }
        }

        Assert.Equal(report.GetProperty("packets").GetInt64(), packets);
        Assert.True(withHistory > 0, "no packet had earlier DiaSources: the comparison with light_curve() tested nothing");

        var busiest = files.OrderByDescending(f => new FileInfo(f).Length).First();
        (code, stdout, stderr) = await CliRunner.RunAsync("alerts", "show", busiest, "--limit", "2");
        Assert.True(code == 0, stderr);
        Assert.Contains("alert diaSourceId", stdout, StringComparison.Ordinal);
        Assert.Contains("prvDiaSources", stdout, StringComparison.Ordinal);
        Assert.Contains("30x30 FITS", stdout, StringComparison.Ordinal);

        (code, stdout, stderr) = await CliRunner.RunAsync("alerts", "show", busiest, "--json");
        Assert.True(code == 0, stderr);
        using var shown = JsonDocument.Parse(stdout);
        var shownPackets = shown.RootElement.GetProperty("packets").EnumerateArray().ToList();
        Assert.Equal(AlertFileReader.Read(busiest).Count, shownPackets.Count);
        Assert.Equal(98, shownPackets[0].GetProperty("diaSource").EnumerateObject().Count());
        Assert.Equal(30, shownPackets[0].GetProperty("cutoutScience").GetProperty("width").GetInt32());
    }

    [Fact]
    public async Task Confluent_format_writes_frames_that_read_back_as_the_same_packets()
    {
        var db = await TinyAsync();
        var alerts = Path.Combine(_dir, "frames");
        var (code, stdout, stderr) = await CliRunner.RunAsync(
            "run", "--db", db, "--visits", "1", "--detectors", "1", "--frontend", "catalog", "--alerts", alerts, "--alert-format", "confluent", "--out", Path.Combine(_dir, "out2"), "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var file = Assert.Single(Directory.GetFiles(alerts));
        Assert.EndsWith(".confluent", file, StringComparison.Ordinal);
        Assert.Equal(0, File.ReadAllBytes(file)[4]);
        Assert.Equal(json.RootElement.GetProperty("rows").GetProperty("DiaSource").GetInt64(), AlertFileReader.Read(file).Count);
    }

    [Fact]
    public async Task Demo_writes_its_alerts_under_out_and_says_where()
    {
        var db = await _database.CreateDatabaseAsync("demo_alerts");
        var outDir = Path.Combine(_dir, "demo");
        var (code, stdout, stderr) = await CliRunner.RunAsync(
            "demo", "--db", db, "--visits", "1", "--detectors", "1", "--frontend", "catalog", "--out", outDir);
        Assert.True(code == 0, stderr);

        var alerts = Path.Combine(outDir, "alerts");
        Assert.Contains($"under {alerts}", stdout, StringComparison.Ordinal);
        var file = Assert.Single(Directory.GetFiles(alerts, "*.avro"));
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        var name = Path.GetFileNameWithoutExtension(file).Split('-');
        var (visit, detector) = (long.Parse(name[0]["visit".Length..], CultureInfo.InvariantCulture), short.Parse(name[1]["det".Length..], CultureInfo.InvariantCulture));
        var stored = await IdsAsync(connection, "SELECT \"diaSourceId\" FROM \"DiaSource\" WHERE visit = @a AND detector = @b", visit, detector);
        Assert.NotEmpty(stored);
        Assert.Equal(stored.Order(), AlertFileReader.Read(file).Select(p => (long)p["diaSourceId"]).Order());
    }

    [Theory]
    [InlineData("--alert-format xml", "--alert-format 'xml'")]
    [InlineData("--alert-format confluent", "--alert-format needs --alerts")]
    public async Task Bad_alert_options_fail_with_one_line_naming_the_option(string options, string expected)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(["run", .. options.Split(' ')]);
        Assert.Equal(1, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Equal(string.Empty, stdout);
    }

    [Fact]
    public async Task An_unwritable_alert_directory_is_refused_before_anything_is_stored()
    {
        var db = await TinyAsync();
        var file = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(file, "x");
        var before = await CountAsync(db);

        var (code, _, stderr) = await CliRunner.RunAsync("run", "--db", db, "--visits", "1", "--detectors", "1", "--frontend", "catalog", "--alerts", Path.Combine(file, "alerts"));

        Assert.Equal(1, code);
        Assert.Contains("--alerts", stderr, StringComparison.Ordinal);
        Assert.Contains("not writable", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Equal(before, await CountAsync(db));
    }

    [Fact]
    public async Task Show_on_a_file_that_is_not_an_alert_file_fails_with_one_line_naming_it()
    {
        var junk = Path.Combine(_dir, "junk.avro");
        await File.WriteAllTextAsync(junk, "not avro at all");

        var (code, _, stderr) = await CliRunner.RunAsync("alerts", "show", junk);
        Assert.Equal(1, code);
        Assert.Contains(junk, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));

        (code, _, stderr) = await CliRunner.RunAsync("alerts", "show", Path.Combine(_dir, "missing.avro"));
        Assert.Equal(1, code);
        Assert.Contains("no such file", stderr, StringComparison.Ordinal);
    }

    private async Task<string> TinyAsync()
    {
        var db = await _database.CreateDatabaseAsync("alerts");
        var (code, _, stderr) = await CliRunner.RunAsync("load-history", "--db", db, "--preset", "tiny", "--json");
        Assert.True(code == 0, stderr);
        return db;
    }

    private static async Task<long> CountAsync(string db)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM apdb_visit_detector", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<long>> IdsAsync(NpgsqlConnection connection, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue(((char)('a' + i)).ToString(), values[i]);
        }

        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }
}
