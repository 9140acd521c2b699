using System.Text.Json;

namespace Apdb.Cli.Tests;

/// <summary><c>apdb bench history-depth</c> on the tiny preset with small numbers, and its bad inputs.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class BenchHistoryDepthTests : IClassFixture<PipelineCliDatabase>, IDisposable
{
    private readonly PipelineCliDatabase _database;
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-cli-depth-").FullName;

    public BenchHistoryDepthTests(PipelineCliDatabase database)
    {
        _database = database;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task History_depth_on_tiny_writes_csv_json_and_png_with_a_point_per_depth()
    {
        var db = await _database.CreateDatabaseAsync("depth");
        var output = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = await CliRunner.RunAsync(
            "bench", "history-depth", "--db", db, "--preset", "tiny", "--months", "1,2", "--visits-per-step", "2", "--out", output, "--json");
        Assert.True(code == 0, stderr);

        var csv = File.ReadAllLines(Path.Combine(output, "history-depth.csv"));
        Assert.StartsWith("months,historyVisits,", csv[0], StringComparison.Ordinal);
        Assert.Equal(3, csv.Length);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "history-depth.json")));
        var points = json.RootElement.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal([1, 2], points.Select(p => p.GetProperty("months").GetInt32()));
        Assert.True(points[1].GetProperty("historyVisits").GetInt32() > points[0].GetProperty("historyVisits").GetInt32());
        foreach (var p in points)
        {
            Assert.True(p.GetProperty("readSeconds").GetDouble() > 0);
            Assert.True(p.GetProperty("writeSeconds").GetDouble() > 0);
            Assert.True(p.GetProperty("settleSeconds").GetDouble() > 0, "each load is settled by a full ANALYZE before the measurement");
            Assert.Equal(2, p.GetProperty("detectorVisits").GetInt32());
            Assert.True(p.GetProperty("rows").GetProperty("storedDiaSources").GetDouble() > 0);
        }

        var png = File.ReadAllBytes(Path.Combine(output, "history-depth.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        using var printed = JsonDocument.Parse(stdout);
        Assert.Equal(2, printed.RootElement.GetProperty("points").GetArrayLength());
    }

    [Theory]
    [InlineData("--months 0", "--months: '0'")]
    [InlineData("--months 1,x", "--months: 'x'")]
    [InlineData("--preset huge", "unknown preset 'huge'")]
    [InlineData("--preset survey", "--preset survey is too large for this bench")]
    [InlineData("--visits-per-step 0", "--visits-per-step 0")]
    public async Task Bad_options_fail_with_one_line_and_write_nothing(string options, string expected)
    {
        var output = Path.Combine(_dir, "bad");
        var (code, _, stderr) = await CliRunner.RunAsync(["bench", "history-depth", "--out", output, .. options.Split(' ')]);
        Assert.Equal(1, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }
}
