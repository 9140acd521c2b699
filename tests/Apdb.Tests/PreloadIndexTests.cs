using Apdb.History;
using Apdb.Sky;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Tests;

/// <summary>
/// The preload's region read of the packed tables (migration 0018): the pixelId index carries the window column and
/// the packed row, so after a history load (whose pages are all-visible) the store's own statement reads the index
/// alone, and gives the rows the wide table holds in the region.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PreloadIndexTests(PostgresServer server) : IAsyncLifetime
{
    private ApdbDatabase _db = null!;

    public async Task InitializeAsync() => _db = await ApdbDatabase.CreateAsync(server, "preloadindex");

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Theory]
    [InlineData("DiaSourcePacked")]
    [InlineData("DiaForcedSourcePacked")]
    public async Task The_pixelId_index_of_a_packed_table_carries_the_window_and_the_packed_row(string table)
    {
        var columns = await _db.IndexColumnsAsync($"IDX_{table}_pixelId");
        Assert.Equal([("pixelId", true), ("midpointMjdTai", false), ("packed", false)], columns);
    }

    [Theory]
    [InlineData("DiaSourcePacked", "DiaSource")]
    [InlineData("DiaForcedSourcePacked", "DiaForcedSource")]
    public async Task After_a_history_load_the_region_read_touches_no_heap_page(string table, string wide)
    {
        await HistoryLoader.LoadAsync(_db.DataSource, "tiny", 2, 6);
        await _db.ExecuteAsync($"ANALYZE \"{table}\"");
        await using var connection = await _db.DataSource.OpenConnectionAsync();
        // The tiny preset's partitions are a few pages, small enough that the planner would rather read them whole;
        // on a loaded APDB it takes the index (benchmarks/RESULTS.md, "The preload as an index-only scan").
        await using (var noSeqScan = new NpgsqlCommand("SET enable_seqscan = off", connection))
        {
            await noSeqScan.ExecuteNonQueryAsync();
        }

        // A cone around one stored row, with the whole history in the window.
        double ra, dec, mjd;
        await using (var first = new NpgsqlCommand($"SELECT ra, dec, \"midpointMjdTai\" FROM \"{wide}\" ORDER BY \"pixelId\" OFFSET 100 LIMIT 1", connection))
        await using (var reader = await first.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            (ra, dec, mjd) = (reader.GetDouble(0), reader.GetDouble(1), reader.GetDouble(2));
        }

        var cone = new SkyCone(SkyPosition.FromDegrees(ra, dec), 0.05);
        var parameters = ApdbStore.PixelRangeParameters(cone)!;
        parameters.Add(new NpgsqlParameter<double>("start", mjd - 1000));

        var plan = new List<string>();
        await using (var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + ApdbStore.PackedInRegionSql(table), connection))
        {
            explain.Parameters.AddRange(parameters.ToArray());
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0).Trim());
            }
        }

        var text = string.Join('\n', plan);
        var scans = plan.Where(line => line.Contains(" Scan ", StringComparison.Ordinal) && !line.Contains("Function Scan", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(scans);
        Assert.All(scans, line => Assert.StartsWith("->  Index Only Scan using ", line, StringComparison.Ordinal));
        var fetches = plan.Where(line => line.StartsWith("Heap Fetches:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(fetches);
        Assert.All(fetches, line => Assert.Equal("Heap Fetches: 0", line));

        // The rows it found are those of the wide table in the cone's pixel ranges, window included.
        var ranges = cone.Coverage().Ranges;
        var inRanges = string.Join(" OR ", ranges.Select(r => FormattableString.Invariant($"(\"pixelId\" >= {r.Start} AND \"pixelId\" < {r.End})")));
        var expected = await _db.CountAsync(FormattableString.Invariant($"SELECT count(*) FROM \"{wide}\" WHERE ({inRanges}) AND \"midpointMjdTai\" > {mjd - 1000:R}"));
        Assert.True(expected > 0, text);
        var returned = plan.Where(line => line.StartsWith("Nested Loop", StringComparison.Ordinal)).Select(ActualRows).Single();
        Assert.Equal(expected, returned);
    }

    private static long ActualRows(string line)
    {
        var at = line.IndexOf("rows=", StringComparison.Ordinal) + 5;
        var end = line.IndexOf(' ', at);
        return long.Parse(line[at..end], System.Globalization.CultureInfo.InvariantCulture);
    }
}
