using Apdb.Sky;
using Apdb.Tests.Support;
using Npgsql;

using Apdb.Association.Sql;
namespace Apdb.Association.Tests;

/// <summary>The "sql" and "q3c" strategies against brute force, on the shared server of the test run.</summary>
[Collection(PostgresCollection.Name)]
public sealed class InDatabaseStrategyTests : IAsyncLifetime
{
    private readonly PostgresServer _server;
    private NpgsqlDataSource _dataSource = null!;

    public InDatabaseStrategyTests(PostgresServer server)
    {
        _server = server;
    }

    public static TheoryData<string> Scenarios() => [.. AdversarialScenarios.Names];

    public async Task InitializeAsync()
    {
        var connectionString = await _server.CreateDatabaseAsync("assoc");
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Sql_gives_output_identical_to_brute_and_memory_in_every_mode(string scenario)
    {
        var (objects, sources, radius) = AdversarialScenarios.Build(scenario);
        var sql = new SqlCandidateFinder(_dataSource);
        foreach (var mode in Enum.GetValues<AssociationMode>())
        {
            var brute = await Associator.AssociateAsync(objects, sources, radius, mode, BruteForceCandidateFinder.Instance);
            var memory = await Associator.AssociateAsync(objects, sources, radius, mode, HealpixCandidateFinder.Instance);
            var inDatabase = await Associator.AssociateAsync(objects, sources, radius, mode, sql);
            Assert.Equal(brute.PairCount, inDatabase.PairCount);
            Assert.Equal(brute.Matches, inDatabase.Matches);
            Assert.Equal(memory.Matches, inDatabase.Matches);
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Q3c_gives_output_identical_to_brute_in_every_mode_where_q3c_is_installed(string scenario)
    {
        if (!await Q3cIsThereAsync())
        {
            return;
        }

        var (objects, sources, radius) = AdversarialScenarios.Build(scenario);
        var q3c = new Q3cCandidateFinder(_dataSource);
        foreach (var mode in Enum.GetValues<AssociationMode>())
        {
            var brute = await Associator.AssociateAsync(objects, sources, radius, mode, BruteForceCandidateFinder.Instance);
            var peer = await Associator.AssociateAsync(objects, sources, radius, mode, q3c);
            Assert.Equal(brute.PairCount, peer.PairCount);
            Assert.Equal(brute.Matches, peer.Matches);
        }
    }

    [Fact]
    public async Task Sql_matches_brute_on_a_dense_field_where_the_probe_pixels_are_coarser_than_the_neighbour_pixels()
    {
        var (objects, sources) = SyntheticCatalogs.Generate(20_000, seed: 7);
        await using (var staged = await StagedCatalogs.StageAsync(_dataSource, objects, sources, 1.0))
        {
            Assert.Equal(16, staged.NeighbourDepth);
            Assert.InRange(staged.ProbeDepth, 12, 15);

            // Fewer ranges than the nine pixels a source would probe at the neighbour depth.
            Assert.True(staged.RangeCount < 4L * sources.Count, $"{staged.RangeCount} ranges for {sources.Count} sources");
        }

        var brute = await Associator.AssociateAsync(objects, sources, 1.0, AssociationMode.Greedy, BruteForceCandidateFinder.Instance);
        var sql = await Associator.AssociateAsync(objects, sources, 1.0, AssociationMode.Greedy, new SqlCandidateFinder(_dataSource));
        Assert.True(brute.PairCount > 15_000);
        Assert.Equal(brute.PairCount, sql.PairCount);
        Assert.Equal(brute.Matches, sql.Matches);
    }

    [Fact]
    public async Task The_join_is_a_nested_loop_over_index_only_scans_of_the_pixel_index()
    {
        var (objects, sources) = SyntheticCatalogs.Generate(50_000, seed: 11);
        await using var staged = await StagedCatalogs.StageAsync(_dataSource, objects, sources, 1.0);
        var plan = await staged.ExplainPixelRangeQueryAsync();
        Assert.Contains("Nested Loop", plan, StringComparison.Ordinal);
        Assert.Contains($"Index Only Scan using {StagedCatalogs.PixelIndex} on apdb_assoc_objects", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Merge Join", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Hash Join", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan on apdb_assoc_objects", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_sides_give_no_pairs_and_every_source_unmatched()
    {
        var (objects, sources) = SyntheticCatalogs.Generate(100, seed: 3);
        var sql = new SqlCandidateFinder(_dataSource);
        Assert.Equal(0, (await sql.FindAsync(Catalog.Empty("object"), sources, 1.0)).Count);
        Assert.Equal(0, (await sql.FindAsync(objects, Catalog.Empty("source"), 1.0)).Count);
        var result = await Associator.AssociateAsync(Catalog.Empty("object"), sources, 1.0, AssociationMode.Optimal, sql);
        Assert.Equal(sources.Count, result.UnmatchedCount);
        var none = await Associator.AssociateAsync(Catalog.Empty("object"), Catalog.Empty("source"), 1.0, AssociationMode.Greedy, sql);
        Assert.Empty(none.Matches);
    }

    [Fact]
    public async Task The_staged_tables_are_dropped_and_the_session_can_stage_again()
    {
        var (objects, sources) = SyntheticCatalogs.Generate(2_000, seed: 5);
        var sql = new SqlCandidateFinder(_dataSource);
        var first = await sql.FindAsync(objects, sources, 1.0);
        var second = await sql.FindAsync(objects, sources, 1.0);
        Assert.Equal(first.Count, second.Count);
        Assert.True(sql.LastTimings.TotalSeconds > 0);
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_class WHERE relname LIKE 'apdb_assoc_%' AND relpersistence = 't'", connection);
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public void Probe_ranges_cover_every_depth_29_pixel_within_the_radius()
    {
        // Objects placed at exactly the radius around sources anywhere on the sky (poles and base-pixel corners
        // included through the random directions) must fall inside one of the source's ranges.
        var random = new Random(17);
        foreach (var radius in new[] { 0.3, 1.0, 7.0, 200.0 })
        {
            var fake = new long[2000];
            for (var i = 0; i < fake.Length; i++)
            {
                fake[i] = random.NextInt64(HealpixNested.PixelCount(29));
            }

            Array.Sort(fake);
            var plan = PixelProbePlan.Create(radius, fake);
            var starts = new long[9];
            var ends = new long[9];
            for (var k = 0; k < 3000; k++)
            {
                var ra = random.NextDouble() * 360;
                var dec = k < 50 ? 90 - (random.NextDouble() * 1e-3) : Math.Asin((2 * random.NextDouble()) - 1) * 180 / Math.PI;
                var n = plan.Ranges(HealpixNested.Hash(29, ra, dec), starts, ends);
                var (ra2, dec2) = TestCatalogs.Offset(ra, dec, radius * 0.999999, random.NextDouble() * 360);
                var target = HealpixNested.Hash(29, ra2, dec2);
                var inside = false;
                for (var r = 0; r < n; r++)
                {
                    Assert.True(starts[r] < ends[r]);
                    Assert.True(r == 0 || ends[r - 1] < starts[r], "ranges must be ascending, disjoint and not adjacent");
                    inside |= target >= starts[r] && target < ends[r];
                }

                Assert.True(inside, $"radius {radius}\": ({ra}, {dec}) misses ({ra2}, {dec2})");
            }
        }
    }

    private async Task<bool> Q3cIsThereAsync()
    {
        if (await Q3cExtension.IsAvailableAsync(_dataSource))
        {
            return true;
        }

        Assert.False(Environment.GetEnvironmentVariable("APDB_REQUIRE_ORACLES") == "1", $"q3c is required (APDB_REQUIRE_ORACLES=1) but the server lacks it: {Q3cExtension.InstallHint}");
        return false;
    }
}
