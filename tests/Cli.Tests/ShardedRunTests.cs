using Apdb.Embedded;
using Apdb.Sharded;
using Npgsql;

namespace Apdb.Cli.Tests;

/// <summary>
/// <c>apdb run</c> on a sharded APDB against the same run on one server: the same <c>tiny</c> history loaded on one
/// server and on 3 shards (the field's coarse pixels dealt out, so every detector's region and store spans shards),
/// the same new visits through the pipeline on each, then the two compared by query (<see cref="ApdbComparison"/>:
/// the SQL functions and every row of the DIA tables, through the coordinator).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class ShardedRunTests : IAsyncLifetime, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-cli-sharded-").FullName;
    private EmbeddedPostgres? _embedded;
    private EmbeddedCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var home = Path.Combine(_dir, "pg");
        Directory.CreateDirectory(home);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101);
            File.SetUnixFileMode(home, (UnixFileMode)0b111_101_101);
        }

        _embedded = new EmbeddedPostgres(new EmbeddedPostgresOptions { Home = home, SharedBuffers = "128MB", MaintenanceWorkMem = "128MB" });
        // Prepared transactions on: the sharded store commits cross-shard parts in two phases.
        _cluster = await ShardedEmbedded.StartShardAsync(_embedded);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_embedded is not null)
        {
            await _embedded.StopAsync();
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the temp directory is the OS's to clean.
        }
    }

    [Fact]
    public async Task Run_on_three_shards_stores_what_run_on_one_server_stores()
    {
        var single = await DatabaseAsync("one");
        var sharded = $"coordinator={await DatabaseAsync("co")} shard={await DatabaseAsync("s0")} shard={await DatabaseAsync("s1")} shard={await DatabaseAsync("s2")}";

        await RunOkAsync("load-history", "--preset", "tiny", "--db", single);
        await RunOkAsync("init", "--shard-field", "60,-62,0.13", "--db", sharded);
        await RunOkAsync("load-history", "--preset", "tiny", "--db", sharded);
        await using var one = NpgsqlDataSource.Create(ApdbConnector.Normalize(single));
        var historyRegistry = await CountAsync(one, "SELECT count(*) FROM apdb_visit_detector");
        foreach (var db in new[] { single, sharded })
        {
            await RunOkAsync("run", "--frontend", "catalog", "--visits", "2", "--detectors", "2", "--workers", "1", "--out", Path.Combine(_dir, "out"), "--db", db);
        }

        var target = ShardedTarget.Parse(sharded);
        await using var coordinator = NpgsqlDataSource.Create(target.Coordinator!);
        var comparisons = await ApdbComparison.CompareAsync(one, coordinator, 60, -62, [ApdbComparison.ProcessingTimeColumn]);

        Assert.All(comparisons, c => Assert.True(c.Identical, $"{c.Query}: one server {c.First}, shards {c.Second}"));
        // The run stored new detector-visits, and some of them crossed shard cuts (two-phase stores).
        Assert.Equal(historyRegistry + 4, await CountAsync(one, "SELECT count(*) FROM apdb_visit_detector"));
        long parts = 0;
        foreach (var shard in target.Shards)
        {
            await using var ds = NpgsqlDataSource.Create(shard);
            parts += await CountAsync(ds, "SELECT count(*) FROM apdb_store_part");
        }

        Assert.True(parts > 0, "no store of the run crossed a shard cut");
    }

    [Fact]
    public async Task Maintain_on_three_shards_removes_what_it_removes_on_one_server()
    {
        var single = await DatabaseAsync("m_one");
        var sharded = $"coordinator={await DatabaseAsync("m_co")} shard={await DatabaseAsync("m_s0")} shard={await DatabaseAsync("m_s1")} shard={await DatabaseAsync("m_s2")}";
        await RunOkAsync("load-history", "--preset", "tiny", "--db", single);
        await RunOkAsync("init", "--shard-field", "60,-62,0.13", "--db", sharded);
        await RunOkAsync("load-history", "--preset", "tiny", "--db", sharded);

        // Four months after the 12-month history: its first months fall out of the window plus margin.
        var now = (Simulation.Cadence.DefaultStartMjd + (16 * 30)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var one = await MaintainAsync(single, now);
        var shards = await MaintainAsync(sharded, now);
        var again = await MaintainAsync(sharded, now);

        Assert.Equal(3, shards.GetProperty("shards").GetInt32());
        Assert.True(one.GetProperty("retiredObjects").GetInt64() > 0);
        Assert.Equal(one.GetProperty("retiredObjects").GetInt64(), shards.GetProperty("retiredObjects").GetInt64());
        foreach (var table in new[] { "DiaSource", "DiaForcedSource" })
        {
            Assert.True(DroppedRows(one, table) > 0, $"nothing of {table} dropped");
            Assert.Equal(DroppedRows(one, table), DroppedRows(shards, table));
        }

        Assert.Empty(again.GetProperty("dropped").EnumerateArray());
        Assert.Equal(0, again.GetProperty("retiredObjects").GetInt64());
        await using var oneServer = NpgsqlDataSource.Create(ApdbConnector.Normalize(single));
        await using var coordinator = NpgsqlDataSource.Create(ShardedTarget.Parse(sharded).Coordinator!);
        var comparisons = await ApdbComparison.CompareAsync(oneServer, coordinator, 60, -62, []);
        Assert.All(comparisons, c => Assert.True(c.Identical, $"{c.Query}: one server {c.First}, shards {c.Second}"));
    }

    private static async Task<System.Text.Json.JsonElement> MaintainAsync(string db, string now)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("--json", "maintain", "--now", now, "--db", db);
        Assert.True(code == 0, $"apdb maintain: exit {code}: {stderr}");
        return System.Text.Json.JsonDocument.Parse(stdout).RootElement.Clone();
    }

    private static long DroppedRows(System.Text.Json.JsonElement report, string table) =>
        report.GetProperty("dropped").EnumerateArray().Where(d => d.GetProperty("table").GetString() == table).Sum(d => d.GetProperty("rows").GetInt64());

    private async Task<string> DatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(_cluster.ConnectionStringFor("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return $"postgresql://{Uri.EscapeDataString(_cluster.User)}:{Uri.EscapeDataString(_cluster.Password)}@{_cluster.Host}:{_cluster.Port}/{name}";
    }

    private static async Task RunOkAsync(params string[] args)
    {
        var (code, _, stderr) = await CliRunner.RunAsync(["--json", .. args]);
        Assert.True(code == 0, $"apdb {args[0]}: exit {code}: {stderr}");
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
