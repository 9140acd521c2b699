using System.Globalization;
using System.Text.Json;
using Apdb.Tests.Shared;
using Npgsql;

namespace Apdb.Cli.Tests;

/// <summary><c>apdb bench visits</c> on the tiny preset with a few visits and detectors, and its refusals.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BenchVisitsCommandTests : IClassFixture<PipelineCliDatabase>, IDisposable
{
    private readonly PipelineCliDatabase _database;
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-cli-visits-").FullName;

    public BenchVisitsCommandTests(PipelineCliDatabase database)
    {
        _database = database;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Visits_on_tiny_write_a_row_per_visit_and_detector_visit_and_a_summary_that_agrees_with_them()
    {
        var db = await LoadTinyAsync("visits", months: 2);
        var output = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = await CliRunner.RunAsync(
            "bench", "visits", "--db", db, "--preset", "tiny", "--months", "2", "--visits", "3", "--detectors", "2", "--clients", "2", "--out", output, "--json");
        Assert.True(code == 0, stderr);

        var visits = ReadCsv(Path.Combine(output, "visits.csv"));
        var detectorVisits = ReadCsv(Path.Combine(output, "detector_visits.csv"));
        Assert.Equal(3, visits.Count);
        foreach (var column in new[] { "visitNumber", "visit", "wallSeconds", "errors", "readSecondsP50", "readSecondsP95", "readSecondsP99", "writeSecondsP99", "totalSecondsP99", "readDiaSources", "writtenDiaSources", "floorCopySeconds", "clientCpuSeconds", "serverCpuSeconds", "machineCpuSeconds" })
        {
            Assert.True(visits[0].ContainsKey(column), $"visits.csv has no column {column}");
        }

        foreach (var column in new[] { "visitNumber", "visit", "detector", "readSeconds", "writeSeconds", "totalSeconds", "readDiaObjects", "writtenDiaForcedSources", "error" })
        {
            Assert.True(detectorVisits[0].ContainsKey(column), $"detector_visits.csv has no column {column}");
        }

        Assert.Equal(["1", "2", "3"], visits.Select(v => v["visitNumber"]));
        Assert.Equal(3, visits.Select(v => v["visit"]).Distinct().Count());
        Assert.All(visits, v => Assert.Equal("0", v["errors"]));
        Assert.All(detectorVisits, d => Assert.Equal(string.Empty, d["error"]));
        Assert.All(visits, v => Assert.InRange(int.Parse(v["detectorVisits"], CultureInfo.InvariantCulture), 1, 2));
        Assert.Equal(visits.Sum(v => int.Parse(v["detectorVisits"], CultureInfo.InvariantCulture)), detectorVisits.Count);
        Assert.All(visits, v => Assert.True(Number(v, "readSecondsP99") >= Number(v, "readSecondsP50") && Number(v, "wallSeconds") > 0));

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "visits.json")));
        var root = json.RootElement;
        Assert.Equal("tiny", root.GetProperty("preset").GetString());
        Assert.Equal(3, root.GetProperty("visitCount").GetInt32());
        Assert.Equal(0, root.GetProperty("duplicateDiaObjects").GetInt32());

        // The per-visit list CONTRACTS.md promises, one entry a CSV row, in the same order and with the same figures.
        var perVisit = root.GetProperty("visits").EnumerateArray().ToList();
        Assert.Equal(visits.Select(v => long.Parse(v["visit"], CultureInfo.InvariantCulture)), perVisit.Select(v => v.GetProperty("visit").GetInt64()));
        for (var i = 0; i < perVisit.Count; i++)
        {
            var v = perVisit[i];
            // After a 2-month history the bench runs the cadence on (12 months past it), in visit order.
            Assert.InRange(v.GetProperty("months").GetDouble(), 2, 14);
            Assert.True(i == 0 || v.GetProperty("months").GetDouble() >= perVisit[i - 1].GetProperty("months").GetDouble());
            Assert.InRange(Math.Abs(v.GetProperty("wallSeconds").GetDouble() - Number(visits[i], "wallSeconds")), 0, 0.001);
            Assert.InRange(Math.Abs(v.GetProperty("readSeconds").GetDouble() - Number(visits[i], "readSecondsP50")), 0, 1e-5);
            Assert.InRange(Math.Abs(v.GetProperty("writeSeconds").GetDouble() - Number(visits[i], "writeSecondsP50")), 0, 1e-5);
            Assert.InRange(Math.Abs(v.GetProperty("p99DetectorSeconds").GetDouble() - Number(visits[i], "totalSecondsP99")), 0, 1e-5);
            Assert.True(v.GetProperty("p99DetectorSeconds").GetDouble() >= v.GetProperty("p95DetectorSeconds").GetDouble());
            Assert.True(v.GetProperty("p95DetectorSeconds").GetDouble() >= v.GetProperty("p50DetectorSeconds").GetDouble());
        }

        Assert.Equal(detectorVisits.Count, root.GetProperty("detectorVisits").GetInt32());
        Assert.Equal(0, root.GetProperty("errors").GetInt32());
        Assert.Equal("off", root.GetProperty("coldCache").GetString());
        foreach (var timing in new[] { "readSeconds", "writeSeconds", "totalSeconds" })
        {
            var p = root.GetProperty("perDetectorVisit").GetProperty(timing);
            Assert.True(p.GetProperty("p99").GetDouble() >= p.GetProperty("p95").GetDouble());
            Assert.True(p.GetProperty("p95").GetDouble() >= p.GetProperty("p50").GetDouble());
            Assert.True(p.GetProperty("p50").GetDouble() > 0, timing);
        }

        var wall = root.GetProperty("wallSeconds");
        // The JSON total is rounded to milliseconds and each CSV value separately, so they agree to a few ms (comparing
        // at "2 decimal places" fails when the two roundings straddle a boundary, e.g. 0.1655 against 0.165).
        Assert.InRange(Math.Abs(visits.Sum(v => Number(v, "wallSeconds")) - wall.GetProperty("total").GetDouble()), 0, 0.005);
        Assert.Equal(detectorVisits.Sum(d => long.Parse(d["writtenDiaSources"], CultureInfo.InvariantCulture)), root.GetProperty("rowsWritten").GetProperty("diaSources").GetInt64());
        Assert.Equal(detectorVisits.Sum(d => long.Parse(d["readDiaSources"], CultureInfo.InvariantCulture)), root.GetProperty("rowsRead").GetProperty("diaSources").GetInt64());
        Assert.True(root.GetProperty("peakRssBytes").GetInt64() > 0);

        // The test cluster runs on this machine, so the server's CPU is measured: its processes are found through a
        // backend's parent, the postmaster. Ticks are 10 ms, so a tiny visit's server seconds may round to zero.
        var cpu = root.GetProperty("cpuSeconds");
        Assert.Equal(JsonValueKind.Null, cpu.GetProperty("serverUnavailable").ValueKind);
        Assert.True(cpu.GetProperty("clientMedian").GetDouble() > 0);
        Assert.True(cpu.GetProperty("serverMedian").GetDouble() >= 0);
        Assert.True(visits.Sum(v => Number(v, "serverCpuSeconds")) > 0, "the server spent no CPU over three visits");
        Assert.All(visits, v => Assert.True(Number(v, "machineCpuSeconds") >= 0));
        var checks = root.GetProperty("checks");
        Assert.True(checks.GetProperty("passed").GetBoolean());
        Assert.Equal(detectorVisits.Count, checks.GetProperty("registeredDetectorVisits").GetInt32());

        var png = File.ReadAllBytes(Path.Combine(output, "visits.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        using (var printed = JsonDocument.Parse(stdout))
        {
            Assert.Equal(3, printed.RootElement.GetProperty("visitCount").GetInt32());
            Assert.Equal(3, printed.RootElement.GetProperty("visits").GetArrayLength());
        }

        // The store's invariants over the whole APDB, and the stored detector-visits are the ones the bench reported.
        await using var dataSource = NpgsqlDataSource.Create(db);
        Assert.Empty(await ApdbInvariants.ViolationsAsync(dataSource));
        await using (var count = dataSource.CreateCommand("SELECT count(*) FROM apdb_visit_detector WHERE visit = ANY(@v)"))
        {
            count.Parameters.AddWithValue("v", visits.Select(v => long.Parse(v["visit"], CultureInfo.InvariantCulture)).ToArray());
            Assert.Equal((long)detectorVisits.Count, await count.ExecuteScalarAsync());
        }

        // A second run continues after the first (the next visit, not one already stored); --cold never fails: it
        // drops the cache where the process may and says why not elsewhere.
        var again = Path.Combine(_dir, "again");
        (code, _, stderr) = await CliRunner.RunAsync(
            "bench", "visits", "--db", db, "--preset", "tiny", "--months", "2", "--visits", "1", "--detectors", "1", "--clients", "1", "--cold", "--out", again, "--json");
        Assert.True(code == 0, stderr);
        using var second = JsonDocument.Parse(File.ReadAllText(Path.Combine(again, "visits.json")));
        var lastOfFirst = long.Parse(visits[^1]["visit"], CultureInfo.InvariantCulture);
        Assert.True(second.RootElement.GetProperty("firstVisit").GetInt64() > lastOfFirst);
        var cold = second.RootElement.GetProperty("coldCache").GetString()!;
        Assert.True(cold.StartsWith("OS page cache dropped", StringComparison.Ordinal) || cold.StartsWith("unavailable: ", StringComparison.Ordinal), cold);
        Assert.Empty(await ApdbInvariants.ViolationsAsync(dataSource));
    }

    [Theory]
    [InlineData("--visits 0", "--visits 0 is outside")]
    [InlineData("--clients 0", "--clients 0 is outside")]
    [InlineData("--detectors 0", "--detectors 0 is outside 1-189")]
    [InlineData("--detectors 190", "--detectors 190 is outside 1-189")]
    [InlineData("--preset huge", "unknown preset 'huge'")]
    [InlineData("--table-format xlsx", "--table-format 'xlsx' is not a table format")]
    public async Task Bad_options_fail_with_one_line_before_any_work_and_write_nothing(string options, string expected)
    {
        var output = Path.Combine(_dir, "bad");
        var (code, stdout, stderr) = await CliRunner.RunAsync(["bench", "visits", "--db", "postgresql://nobody@127.0.0.1:1/none", "--out", output, .. options.Split(' ')]);
        Assert.Equal(1, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Equal(string.Empty, stdout);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task An_out_that_cannot_be_a_directory_is_refused_and_nothing_is_written()
    {
        var file = Path.Combine(_dir, "a-file");
        await File.WriteAllTextAsync(file, "x");
        var (code, _, stderr) = await CliRunner.RunAsync("bench", "visits", "--db", "postgresql://nobody@127.0.0.1:1/none", "--out", Path.Combine(file, "out"));
        Assert.Equal(1, code);
        Assert.Contains("is not writable", stderr, StringComparison.Ordinal);
        Assert.Equal("x", await File.ReadAllTextAsync(file));
        Assert.Equal([file], Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public async Task An_apdb_without_the_requested_complete_history_or_without_enough_visits_left_is_refused_and_nothing_is_written()
    {
        var output = Path.Combine(_dir, "refused");
        var empty = await _database.CreateDatabaseAsync("visits_empty");
        var (code, _, stderr) = await CliRunner.RunAsync("bench", "visits", "--db", empty, "--preset", "tiny", "--months", "1", "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("holds no complete history", stderr, StringComparison.Ordinal);

        var db = await LoadTinyAsync("visits_refused", months: 1);
        await using var dataSource = NpgsqlDataSource.Create(db);
        await using var registered = dataSource.CreateCommand("SELECT count(*) FROM apdb_visit_detector");
        var before = (long)(await registered.ExecuteScalarAsync())!;
        (code, _, stderr) = await CliRunner.RunAsync("bench", "visits", "--db", db, "--preset", "demo", "--months", "1", "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("holds a 1-month tiny history, not the 1-month demo one", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await CliRunner.RunAsync("bench", "visits", "--db", db, "--preset", "tiny", "--months", "1", "--visits", "10000", "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("--visits 10000 is more than the survey has left", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(output));

        Assert.Equal(before, await registered.ExecuteScalarAsync());
    }

    private async Task<string> LoadTinyAsync(string prefix, int months)
    {
        var db = await _database.CreateDatabaseAsync(prefix);
        var (code, _, stderr) = await CliRunner.RunAsync("load-history", "--db", db, "--preset", "tiny", "--months", months.ToString(CultureInfo.InvariantCulture), "--json");
        Assert.True(code == 0, stderr);
        return db;
    }

    private static double Number(Dictionary<string, string> row, string column) => double.Parse(row[column], CultureInfo.InvariantCulture);

    /// <summary>A CSV whose cells hold no delimiter (the bench's numbers and empty error cells), as header-keyed rows.</summary>
    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(line =>
        {
            var cells = line.Split(',');
            Assert.Equal(header.Length, cells.Length);
            return header.Zip(cells).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        })];
    }
}
