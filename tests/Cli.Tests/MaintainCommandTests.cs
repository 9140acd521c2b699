using System.Text.Json;
using Npgsql;

namespace Apdb.Cli.Tests;

/// <summary><c>apdb maintain</c> on a loaded APDB: what a dry run promises a run does, idempotence, and refusals.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class MaintainCommandTests(PipelineCliDatabase database) : IClassFixture<PipelineCliDatabase>
{
    [Fact]
    public async Task A_run_does_what_the_dry_run_said_and_a_second_run_does_nothing()
    {
        var db = await LoadedAsync("maint", months: 18);
        var sourcesBefore = await ScalarAsync(db, "SELECT count(*) FROM \"DiaSource\"");

        var dry = await MaintainAsync(db, "--dry-run");
        Assert.Equal(sourcesBefore, await ScalarAsync(db, "SELECT count(*) FROM \"DiaSource\""));
        var run = await MaintainAsync(db);
        var again = await MaintainAsync(db);

        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        var dropped = Partitions(run);
        Assert.NotEmpty(dropped);
        Assert.Equal(Partitions(dry), dropped);
        Assert.Equal(dry.GetProperty("retiredObjects").GetInt64(), run.GetProperty("retiredObjects").GetInt64());
        Assert.True(run.GetProperty("retiredObjects").GetInt64() > 0);
        var sourceRows = run.GetProperty("dropped").EnumerateArray().Where(d => d.GetProperty("table").GetString() == "DiaSource").Sum(d => d.GetProperty("rows").GetInt64());
        Assert.Equal(sourcesBefore - sourceRows, await ScalarAsync(db, "SELECT count(*) FROM \"DiaSource\""));
        var cutoff = run.GetProperty("partitionCutoffMjdTai").GetDouble();
        Assert.Equal(0, await ScalarAsync(db, $"SELECT count(*) FROM \"DiaSource\" WHERE \"midpointMjdTai\" < {cutoff} - 30"));
        Assert.Empty(Partitions(again));
        Assert.Equal(0, again.GetProperty("retiredObjects").GetInt64());
    }

    [Fact]
    public async Task Bad_settings_are_refused_in_one_line_and_change_nothing()
    {
        var db = await LoadedAsync("maintbad", months: 14);
        const string Rows = "SELECT (SELECT count(*) FROM \"DiaSource\") + (SELECT count(*) FROM \"DiaObjectLast\")";
        var before = await ScalarAsync(db, Rows);
        (string Option, string Value, string Message)[] cases =
        [
            ("--now", "nan", "not a finite MJD"),
            ("--window-months", "0", "window months 0 is shorter than the 12-month read window"),
            ("--window-months", "11", "window months 11 is shorter than the 12-month read window"),
            ("--margin-months", "-1", "margin months -1 is outside"),
            ("--retire-after-months", "0", "retire-after months 0 is outside"),
        ];

        foreach (var (option, value, message) in cases)
        {
            var (code, stdout, stderr) = await CliRunner.RunAsync("maintain", "--db", db, option, value);

            Assert.True(code == 1, $"{option} {value}: exit {code}");
            Assert.Equal(string.Empty, stdout);
            Assert.Single(stderr.Trim().Split('\n'));
            Assert.Contains(message, stderr, StringComparison.Ordinal);
        }

        Assert.Equal(before, await ScalarAsync(db, Rows));
    }

    [Fact]
    public async Task An_APDB_without_visits_needs_the_time_given()
    {
        var db = await database.CreateDatabaseAsync("maintempty");
        var (code, _, stderr) = await CliRunner.RunAsync("init", "--db", db);
        Assert.True(code == 0, stderr);

        (code, _, stderr) = await CliRunner.RunAsync("maintain", "--db", db);

        Assert.Equal(1, code);
        Assert.Contains("no stored visits", stderr, StringComparison.Ordinal);
        Assert.Contains("--now", stderr, StringComparison.Ordinal);
    }

    private async Task<string> LoadedAsync(string prefix, int months)
    {
        var db = await database.CreateDatabaseAsync(prefix);
        var (code, _, stderr) = await CliRunner.RunAsync("load-history", "--db", db, "--preset", "tiny", "--months", months.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.True(code == 0, stderr);
        return db;
    }

    private static async Task<JsonElement> MaintainAsync(string db, params string[] extra)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(["maintain", "--db", db, "--json", .. extra]);
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement;
    }

    private static List<string> Partitions(JsonElement report) =>
        [.. report.GetProperty("dropped").EnumerateArray().Select(d => d.GetProperty("partition").GetString()!).Order(StringComparer.Ordinal)];

    private static async Task<long> ScalarAsync(string db, string sql)
    {
        await using var connection = new NpgsqlConnection(db);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
