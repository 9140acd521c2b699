using System.Globalization;
using Apdb.History;
using Apdb.Sharded.Tests.Support;
using Apdb.Simulation;
using Apdb.Sky;
using Npgsql;

namespace Apdb.Sharded.Tests;

/// <summary>
/// The tiny history on one server and on three shards (each loaded with its part, at once): the preload reads, the
/// registry, and the SQL functions and ad-hoc SQL on the coordinator give what the single server gives.
/// </summary>
[Collection(ShardedCollection.Name)]
public sealed class ShardedHistoryTests(ShardedServer server) : IAsyncLifetime
{
    private const int Months = 3;
    private const long Seed = 5;
    private static readonly SkyPreset Preset = SkyPreset.Tiny;
    private static readonly ShardLayout Layout = ShardLayout.Balanced(3, new SkyCone(Preset.Center, Preset.RadiusDeg), 12);

    // One load for the class: xunit makes an instance per test, and the history is read, never changed, by the tests.
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (ShardedFixture Fixture, double VisitMjd)? _shared;

    private ShardedFixture _f = null!;
    private double _visitMjd;

    public async Task InitializeAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _shared ??= await LoadAsync(server);
            (_f, _visitMjd) = _shared.Value;
        }
        finally
        {
            Gate.Release();
        }
    }

    // The fixture lives until the run's server goes; its databases go with it.
    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<(ShardedFixture, double)> LoadAsync(ShardedServer server)
    {
        var f = await ShardedFixture.CreateAsync(server, "history", Layout);
        var single = HistoryLoader.LoadAsync(f.Single, Preset.Name, Months, Seed);
        // One generation for the three shards, as load-history does it.
        await using var shared = new SharedHistoryLoad(Preset.Name, Months, Seed, Layout.ShardCount);
        var parts = f.Sharded.OnEveryShardAsync((i, shard) => shared.LoadAsync(i, shard, PartitionOf(i), replace: false));
        await Task.WhenAll(single, parts);
        return (f, await MaxMjdAsync(f.Single) + 1);
    }

    [Fact]
    public async Task Every_shard_holds_its_part_and_together_they_hold_the_whole_history()
    {
        foreach (var table in new[] { "DiaObject", "DiaObjectLast", "DiaSource", "DiaForcedSource", "apdb_visit_detector" })
        {
            var whole = await _f.CountAsync(_f.Single, $"SELECT count(*) FROM \"{table}\"");
            long sum = 0;
            for (var i = 0; i < Layout.ShardCount; i++)
            {
                var part = await _f.CountAsync(_f.Sharded.Shards[i], $"SELECT count(*) FROM \"{table}\"");
                var outside = await _f.CountAsync(_f.Sharded.Shards[i], table == "apdb_visit_detector"
                    ? "SELECT 0"
                    : string.Create(CultureInfo.InvariantCulture, $"SELECT count(*) FROM \"{table}\" WHERE \"pixelId\" < {Layout.Start(i)} OR \"pixelId\" >= {Layout.End(i)}"));
                Assert.Equal(0, outside);
                Assert.True(table == "apdb_visit_detector" || part > 0, $"shard {i} holds no {table}");
                sum += part;
            }

            Assert.True(whole > 0);
            Assert.Equal(whole, sum);
            Assert.Equal(whole, await _f.CountAsync(_f.Coordinator, $"SELECT count(*) FROM \"{table}\""));
        }

        // The coordinator's metadata is shard 0's as it is now (the load happened after the coordinator was built).
        Assert.Equal(1, await _f.CountAsync(_f.Coordinator, "SELECT count(*) FROM metadata WHERE name = 'history:state' AND value = 'complete'"));
        Assert.Equal(1, await _f.CountAsync(_f.Coordinator, "SELECT count(*) FROM metadata WHERE name = 'shard:role' AND value = 'coordinator'"));
    }

    [Fact]
    public async Task Preload_reads_of_detector_regions_return_the_single_servers_rows()
    {
        var regions = new[] { (0.0, 0.0, 0.04), (0.05, 0.03, 0.03), (-0.06, -0.02, 0.05) }
            .Select(o => new SkyCone(SkyPosition.FromDegrees(Preset.Center.RaDeg + o.Item1, Preset.Center.DecDeg + o.Item2), o.Item3)).ToList();
        var crossing = 0;
        foreach (var region in regions)
        {
            crossing += _f.Sharded.ShardsOf(region).Count > 1 ? 1 : 0;
            Assert.Equal(Ids(await _f.SingleStore.GetDiaObjectsAsync(region), o => o.DiaObjectId), Ids(await _f.Sharded.GetDiaObjectsAsync(region), o => o.DiaObjectId));
            Assert.Equal(Ids(await _f.SingleStore.GetDiaSourcesAsync(region, _visitMjd), s => s.DiaSourceId), Ids(await _f.Sharded.GetDiaSourcesAsync(region, _visitMjd), s => s.DiaSourceId));
            Assert.Equal(
                Ids(await _f.SingleStore.GetDiaForcedSourcesAsync(region, _visitMjd), f => f.DiaForcedSourceId),
                Ids(await _f.Sharded.GetDiaForcedSourcesAsync(region, _visitMjd), f => f.DiaForcedSourceId));
        }

        Assert.True(crossing > 0, "no region crossed a shard cut");
        var ids = (await _f.SingleStore.GetDiaObjectsAsync(regions[0])).Select(o => o.DiaObjectId).Take(50).ToList();
        Assert.Equal(Ids(await _f.SingleStore.GetDiaSourcesAsync(ids, _visitMjd), s => s.DiaSourceId), Ids(await _f.Sharded.GetDiaSourcesAsync(ids, _visitMjd), s => s.DiaSourceId));
    }

    [Fact]
    public async Task The_SQL_functions_and_ad_hoc_SQL_on_the_coordinator_answer_as_one_server()
    {
        var (ra, dec) = (Preset.Center.RaDeg, Preset.Center.DecDeg);
        var queries = new[]
        {
            string.Create(CultureInfo.InvariantCulture, $"SELECT x::text FROM dia_objects_in_cone({ra}, {dec}, 0.08) x ORDER BY \"diaObjectId\""),
            string.Create(CultureInfo.InvariantCulture, $"SELECT x::text FROM dia_sources_in_cone({ra}, {dec}, 0.05, 0, 100000) x ORDER BY \"diaSourceId\""),
            "SELECT x::text FROM (SELECT (light_curve(\"diaObjectId\")).* FROM (SELECT \"diaObjectId\" FROM \"DiaObjectLast\" ORDER BY \"nDiaSources\" DESC, \"diaObjectId\" LIMIT 20) o) x ORDER BY 1",
            "SELECT band || ' ' || count(*) || ' ' || round(avg(\"psfFlux\")::numeric, 3) FROM \"DiaSource\" GROUP BY band ORDER BY band",
            "SELECT visit || ' ' || detector || ' ' || \"nDiaSources\" FROM apdb_visit_detector ORDER BY visit, detector",
        };
        foreach (var sql in queries)
        {
            var one = await LinesAsync(_f.Single, sql);
            Assert.NotEmpty(one);
            Assert.Equal(one, await LinesAsync(_f.Coordinator, sql));
        }
    }

    [Fact]
    public async Task The_registry_answers_for_every_detector_visit_of_the_history()
    {
        var stored = await LinesAsync(_f.Single, "SELECT visit || ' ' || detector FROM apdb_visit_detector ORDER BY 1 LIMIT 5");
        foreach (var line in stored)
        {
            var parts = line.Split(' ');
            Assert.True(await _f.Sharded.ContainsVisitDetectorAsync(new DetectorVisit(long.Parse(parts[0], CultureInfo.InvariantCulture), short.Parse(parts[1], CultureInfo.InvariantCulture))));
        }

        Assert.False(await _f.Sharded.ContainsVisitDetectorAsync(new DetectorVisit(99_999_999, 7)));
    }

    [Fact]
    public async Task A_shard_that_refuses_the_shared_load_is_the_error_named_and_a_replace_loads_all()
    {
        await using var f = await ShardedFixture.CreateAsync(server, "histfail", Layout);
        await HistoryLoader.LoadPartitionAsync(f.Sharded.Shards[1], PartitionOf(1), Preset.Name, Months, Seed);
        var shard1Rows = await f.CountAsync(f.Sharded.Shards[1], "SELECT count(*) FROM \"DiaSource\"");

        var refused = await Assert.ThrowsAsync<ApdbUserException>(async () =>
        {
            await using var shared = new SharedHistoryLoad(Preset.Name, Months, Seed, Layout.ShardCount);
            await f.Sharded.OnEveryShardAsync((i, shard) => shared.LoadAsync(i, shard, PartitionOf(i), replace: false));
        });

        // The error is shard 1's refusal, not the others' stop; shard 1 is as it was, and no other shard says complete.
        Assert.StartsWith(f.Sharded.NameOf(1), refused.Message, StringComparison.Ordinal);
        Assert.Contains("already holds DIA data", refused.Message, StringComparison.Ordinal);
        Assert.Equal(shard1Rows, await f.CountAsync(f.Sharded.Shards[1], "SELECT count(*) FROM \"DiaSource\""));
        foreach (var i in new[] { 0, 2 })
        {
            Assert.Equal(0, await f.CountAsync(f.Sharded.Shards[i], $"SELECT count(*) FROM metadata WHERE name = '{HistoryLoader.StateKey}' AND value = 'complete'"));
        }

        await using (var again = new SharedHistoryLoad(Preset.Name, Months, Seed, Layout.ShardCount))
        {
            await f.Sharded.OnEveryShardAsync((i, shard) => again.LoadAsync(i, shard, PartitionOf(i), replace: true));
        }

        for (var i = 0; i < Layout.ShardCount; i++)
        {
            Assert.Equal(1, await f.CountAsync(f.Sharded.Shards[i], $"SELECT count(*) FROM metadata WHERE name = '{HistoryLoader.StateKey}' AND value = 'complete'"));
        }

        foreach (var table in new[] { "DiaObject", "DiaObjectLast", "DiaSource", "DiaForcedSource", "apdb_visit_detector" })
        {
            Assert.Equal(await _f.CountAsync(_f.Single, $"SELECT count(*) FROM \"{table}\""), await f.CountAsync(f.Coordinator, $"SELECT count(*) FROM \"{table}\""));
        }
    }

    [Fact]
    public async Task A_shard_that_fails_after_the_others_have_their_rows_leaves_no_shard_complete()
    {
        await using var f = await ShardedFixture.CreateAsync(server, "histlate", Layout);
        var shard1 = f.Sharded.Shards[1];
        // Shard 1's index builds wait for a lock this test holds, then fail: its rows are in, as the others' are.
        await using (var setup = shard1.CreateCommand("""
            CREATE FUNCTION test_refuse_index() RETURNS event_trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_advisory_xact_lock_shared(4242);
                RAISE EXCEPTION 'test: shard 1 cannot build its indexes';
            END $$;
            CREATE EVENT TRIGGER test_refuse_index ON ddl_command_start WHEN TAG IN ('CREATE INDEX')
                EXECUTE FUNCTION test_refuse_index();
            """))
        {
            await setup.ExecuteNonQueryAsync();
        }

        await using var holder = await shard1.OpenConnectionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(4242)", holder))
        {
            await take.ExecuteNonQueryAsync();
        }

        await using var shared = new SharedHistoryLoad(Preset.Name, Months, Seed, Layout.ShardCount);
        var load = f.Sharded.OnEveryShardAsync((i, shard) => shared.LoadAsync(i, shard, PartitionOf(i), replace: false));
        // A bound on the wait, so that a broken load fails the test instead of hanging it; not a timing check.
        var giveUp = DateTime.UtcNow.AddMinutes(5);
        while (shared.ShardsLoaded < 2)
        {
            Assert.False(load.IsCompleted, "the load ended before shards 0 and 2 had their rows and indexes in");
            Assert.True(DateTime.UtcNow < giveUp, "shards 0 and 2 did not get their rows and indexes in");
            await Task.Delay(50);
        }

        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(4242)", holder))
        {
            await release.ExecuteNonQueryAsync();
        }

        var failed = await Assert.ThrowsAsync<ApdbUserException>(async () => await load);
        Assert.StartsWith(f.Sharded.NameOf(1), failed.Message, StringComparison.Ordinal);
        Assert.Contains("cannot build its indexes", failed.Message, StringComparison.Ordinal);
        for (var i = 0; i < Layout.ShardCount; i++)
        {
            Assert.Equal(0, await f.CountAsync(f.Sharded.Shards[i], $"SELECT count(*) FROM metadata WHERE name = '{HistoryLoader.StateKey}' AND value = 'complete'"));
        }
    }

    private static HistoryPartition PartitionOf(int shard) => new(Layout.Start(shard), Layout.End(shard), Registry: shard == 0);

    private static List<long> Ids<T>(IEnumerable<T> rows, Func<T, long> id) => [.. rows.Select(id).Order()];

    private static async Task<double> MaxMjdAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT max(\"midpointMjdTai\") FROM \"DiaSource\"");
        return (double)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<List<string>> LinesAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return lines;
    }
}
