using System.Text.Json;

namespace Apdb.Cli.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class BenchAssociationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-cli-bench-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Bench_association_at_tiny_sizes_writes_csv_json_and_png()
    {
        var output = Path.Combine(_dir, "out");
        var (code, stdout, stderr) = await CliRunner.RunAsync(
            "bench", "association", "--sizes", "300,1000,3000", "--strategies", "brute,memory", "--out", output, "--json");
        Assert.True(code == 0, stderr);

        var csv = File.ReadAllLines(Path.Combine(output, "association.csv"));
        Assert.StartsWith("strategy,n,", csv[0], StringComparison.Ordinal);
        Assert.Equal(7, csv.Length);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "association.json")));
        var slopes = json.RootElement.GetProperty("slopes");
        Assert.InRange(slopes.GetProperty("brute").GetDouble(), 0.5, 3.0);
        Assert.InRange(slopes.GetProperty("memory").GetDouble(), 0.0, 2.0);
        var points = json.RootElement.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal(6, points.Length);
        foreach (var p in points)
        {
            Assert.Contains(p.GetProperty("strategy").GetString(), new[] { "brute", "memory" });
            Assert.True(p.GetProperty("n").GetInt64() >= 300);
            Assert.True(p.GetProperty("seconds").GetDouble() > 0);
            Assert.True(p.GetProperty("pairs").GetInt32() > 0);
        }

        // Same catalogs, so both strategies found the same pairs at each size.
        foreach (var group in points.GroupBy(p => p.GetProperty("n").GetInt64()))
        {
            Assert.Single(group.Select(p => p.GetProperty("pairs").GetInt32()).Distinct());
        }

        var png = File.ReadAllBytes(Path.Combine(output, "association.png"));
        Assert.True(png.Length > 5_000);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

        // --json prints the same document on stdout.
        using var printed = JsonDocument.Parse(stdout);
        Assert.True(printed.RootElement.TryGetProperty("slopes", out _));
    }

    [Fact]
    public async Task The_table_takes_the_format_table_format_names_with_units()
    {
        var output = Path.Combine(_dir, "ecsv");
        var (code, stdout, stderr) = await CliRunner.RunAsync(
            "bench", "association", "--sizes", "300,1000", "--strategies", "memory", "--table-format", "ecsv", "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains("association.ecsv", stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(output, "association.csv")));
        var lines = File.ReadAllLines(Path.Combine(output, "association.ecsv"));
        Assert.Equal("# %ECSV 1.0", lines[0]);
        Assert.Contains(lines, l => l.Contains("name: 'seconds'", StringComparison.Ordinal) && l.Contains("unit: 's'", StringComparison.Ordinal));
        var body = lines.Where(l => !l.StartsWith('#')).ToArray();
        Assert.StartsWith("strategy,n,objects,sources,seconds,findSeconds,pairs,matched,runs,stageSeconds,indexSeconds,querySeconds", body[0], StringComparison.Ordinal);
        Assert.Equal(3, body.Length);
        Assert.StartsWith("memory,300,", body[1], StringComparison.Ordinal);
        Assert.EndsWith(",,,", body[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Brute_is_skipped_where_its_projected_time_exceeds_the_limit()
    {
        var output = Path.Combine(_dir, "skip");
        var (code, _, stderr) = await CliRunner.RunAsync(
            "bench", "association", "--sizes", "500,5000", "--strategies", "memory,brute", "--brute-limit-seconds", "0.000001", "--out", output, "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "association.json")));
        var skipped = json.RootElement.GetProperty("skipped").EnumerateArray().Single();
        Assert.Equal("brute", skipped.GetProperty("strategy").GetString());
        Assert.Equal(5000, skipped.GetProperty("n").GetInt64());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("slopes").GetProperty("brute").ValueKind);
    }

    [Theory]
    [InlineData("--sizes", "10,abc", "--sizes")]
    [InlineData("--strategies", "memory,fast", "unknown strategy 'fast'")]
    [InlineData("--radius-arcsec", "0", "--radius-arcsec")]
    [InlineData("--table-format", "txt", "--table-format 'txt' is not a table format")]
    public async Task Bad_options_exit_1_and_write_nothing(string option, string value, string expected)
    {
        var output = Path.Combine(_dir, "bad");
        string[] args = option == "--strategies"
            ? ["bench", "association", "--sizes", "100", option, value, "--out", output]
            : ["bench", "association", "--strategies", "memory", option, value, "--out", output];
        var (code, _, stderr) = await CliRunner.RunAsync(args);
        Assert.Equal(1, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }
}
