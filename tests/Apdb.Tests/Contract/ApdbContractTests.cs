using Apdb.Records;
using Apdb.Sky;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Tests.Contract;

/// <summary>
/// The contract of <see cref="IApdb"/>, run against every implementation (as dax_apdb's <c>ApdbTest</c> runs against
/// its SQL and Cassandra back ends). A subclass supplies a fresh, empty APDB and a SQL data source that sees all of it
/// (the server itself, or a coordinator over shards); the tests speak through <see cref="IApdb"/> and check the rows
/// by SQL.
/// </summary>
public abstract partial class ApdbContractTests : IAsyncLifetime
{
    protected const double VisitMjd = 61000.25;

    /// <summary>The implementation under test, over an empty APDB.</summary>
    protected IApdb Store { get; private set; } = null!;

    /// <summary>A data source that sees the whole APDB by SQL.</summary>
    protected NpgsqlDataSource Sql { get; private set; } = null!;

    public async Task InitializeAsync() => (Store, Sql) = await CreateAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    /// <summary>A fresh, empty APDB: the implementation and a SQL view of all of it.</summary>
    protected abstract Task<(IApdb Apdb, NpgsqlDataSource Sql)> CreateAsync();

    protected async Task<long> CountAsync(string sql)
    {
        await using var command = Sql.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The columns a store computes itself: the caller's values there are not what is stored.</summary>
    private static readonly string[] StoreSet = ["PixelId", "ValidityStartMjdTai", "ValidityEndMjdTai"];

    private static SkyCone Cone(double ra, double dec, double radiusDeg) => new(SkyPosition.FromDegrees(ra, dec), radiusDeg);

    [Fact]
    public async Task Every_column_round_trips_through_store_and_read()
    {
        var random = new Random(11);
        var dv = new DetectorVisit(1001, 17);
        var full = RowFactory.Object(random, 5001, 150.0, 2.0);
        var sparse = RowFactory.Object(random, 5002, 150.001, 2.001, nulls: true);
        var source = RowFactory.Source(random, 9001, dv, 150.0, 2.0, VisitMjd, 5001);
        var sparseSource = RowFactory.Source(random, 9002, dv, 150.001, 2.001, VisitMjd, null, nulls: true);
        var forced = RowFactory.Forced(random, 7001, 5001, dv, 150.0, 2.0, VisitMjd);
        var sparseForced = RowFactory.Forced(random, 7002, 5002, dv, 150.001, 2.001, VisitMjd, nulls: true);

        await Store.StoreAsync(dv, VisitMjd, [full, sparse], [source, sparseSource], [forced, sparseForced]);

        var cone = Cone(150.0005, 2.0005, 0.01);
        var sources = (await Store.GetDiaSourcesAsync(cone, VisitMjd)).OrderBy(s => s.DiaSourceId).ToList();
        Assert.Equal(2, sources.Count);
        // pixelId is the store's: computed from ra/dec, whatever the caller's row held.
        Assert.Empty(RowFactory.Differences(source, sources[0], StoreSet));
        Assert.Empty(RowFactory.Differences(sparseSource, sources[1], StoreSet));
        Assert.Equal(HealpixNested.Hash(29, source.Ra, source.Dec), sources[0].PixelId);

        var forcedRows = (await Store.GetDiaForcedSourcesAsync(cone, VisitMjd)).OrderBy(f => f.DiaForcedSourceId).ToList();
        Assert.Equal(2, forcedRows.Count);
        Assert.Empty(RowFactory.Differences(forced, forcedRows[0], StoreSet));
        Assert.Empty(RowFactory.Differences(sparseForced, forcedRows[1], StoreSet));
        Assert.Equal(HealpixNested.Hash(29, forced.Ra, forced.Dec), forcedRows[0].PixelId);

        var objects = (await Store.GetDiaObjectsAsync(cone)).OrderBy(o => o.DiaObjectId).ToList();
        Assert.Equal([5001L, 5002L], objects.Select(o => o.DiaObjectId));
        Assert.Equal(full.RaErr, objects[0].RaErr);
        Assert.Equal(full.NDiaSources, objects[0].NDiaSources);
        Assert.Equal(full.LastDiaSourceMjdTai, objects[0].LastDiaSourceMjdTai);
        Assert.Equal(VisitMjd, objects[0].ValidityStartMjdTai);
        Assert.Equal(HealpixNested.Hash(29, 150.0, 2.0), objects[0].PixelId);

        await using var conn = await Sql.OpenConnectionAsync();
        var stored = (await Dapper.SqlMapper.QueryAsync<DiaObject>(conn, "SELECT * FROM \"DiaObject\" WHERE \"diaObjectId\" IN (5001, 5002) ORDER BY 1")).ToList();
        Assert.Empty(RowFactory.Differences(full, stored[0], StoreSet));
        Assert.Empty(RowFactory.Differences(sparse, stored[1], StoreSet));
        Assert.Null(stored[0].ValidityEndMjdTai);
    }

    [Fact]
    public async Task A_new_version_closes_the_previous_one_and_replaces_DiaObjectLast()
    {
        var random = new Random(2);
        var first = RowFactory.Object(random, 6001, 10.0, -5.0);
        first.NDiaSources = 1;
        await Store.StoreAsync(new DetectorVisit(2001, 1), VisitMjd, [first], [], []);
        var second = RowFactory.Object(random, 6001, 10.00001, -5.00001);
        second.NDiaSources = 2;
        var result = await Store.StoreAsync(new DetectorVisit(2002, 1), VisitMjd + 1, [second], [], []);

        Assert.Equal(1, result.DiaObjectsClosed);
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM \"DiaObject\" WHERE \"diaObjectId\" = 6001"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM \"DiaObject\" WHERE \"diaObjectId\" = 6001 AND \"validityEndMjdTai\" IS NULL"));
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM \"DiaObject\" WHERE \"diaObjectId\" = 6001 AND \"validityEndMjdTai\" = {VisitMjd + 1}"));
        var latest = Assert.Single(await Store.GetDiaObjectsAsync(Cone(10.0, -5.0, 0.001)));
        Assert.Equal(2, latest.NDiaSources);
        Assert.Equal(VisitMjd + 1, latest.ValidityStartMjdTai);
    }

    [Fact]
    public async Task Storing_a_detector_visit_twice_is_refused_and_changes_nothing()
    {
        var random = new Random(3);
        var dv = new DetectorVisit(3001, 5);
        await Store.StoreAsync(dv, VisitMjd, [RowFactory.Object(random, 7001, 20, 20)], [RowFactory.Source(random, 17001, dv, 20, 20, VisitMjd, 7001)], []);
        Assert.True(await Store.ContainsVisitDetectorAsync(dv));
        Assert.False(await Store.ContainsVisitDetectorAsync(new DetectorVisit(3001, 6)));

        var error = await Assert.ThrowsAsync<ApdbUserException>(() => Store.StoreAsync(
            dv, VisitMjd, [RowFactory.Object(random, 7002, 20.1, 20)], [RowFactory.Source(random, 17002, dv, 20.1, 20, VisitMjd, 7002)], []));

        Assert.Contains("already stored", error.Message, StringComparison.Ordinal);
        Assert.Contains("visit 3001, detector 5", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM \"DiaObject\" WHERE \"diaObjectId\" = 7002"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM \"DiaSource\" WHERE \"diaSourceId\" = 17002"));
    }

    [Fact]
    public async Task Replace_rewrites_a_detector_visit_and_reopens_previous_versions()
    {
        var random = new Random(4);
        var before = new DetectorVisit(4000, 2);
        var dv = new DetectorVisit(4001, 2);
        await Store.StoreAsync(before, VisitMjd - 1, [RowFactory.Object(random, 8001, 30, 30)], [RowFactory.Source(random, 18000, before, 30, 30, VisitMjd - 1, 8001)], []);
        await Store.StoreAsync(dv, VisitMjd, [RowFactory.Object(random, 8001, 30, 30)], [RowFactory.Source(random, 18001, dv, 30, 30, VisitMjd, 8001)], []);

        var result = await Store.StoreAsync(
            dv, VisitMjd + 0.5, [RowFactory.Object(random, 8001, 30, 30)], [RowFactory.Source(random, 18002, dv, 30, 30, VisitMjd + 0.5, 8001)], [],
            new StoreOptions { ReplaceExisting = true });

        Assert.True(result.Replaced);
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM \"DiaSource\" WHERE \"diaSourceId\" = 18001"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM \"DiaSource\" WHERE \"diaSourceId\" = 18002"));
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM \"DiaObject\" WHERE \"diaObjectId\" = 8001"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM \"DiaObject\" WHERE \"diaObjectId\" = 8001 AND \"validityEndMjdTai\" IS NULL"));
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM \"DiaObjectLast\" WHERE \"diaObjectId\" = 8001 AND \"validityStartMjdTai\" = {VisitMjd + 0.5}"));
    }

    [Fact]
    public async Task A_failure_in_the_middle_of_a_store_leaves_nothing_behind()
    {
        var random = new Random(5);
        var earlier = new DetectorVisit(5000, 3);
        await Store.StoreAsync(earlier, VisitMjd, [], [RowFactory.Source(random, 19000, earlier, 40, 40, VisitMjd, null)], []);
        var dv = new DetectorVisit(5001, 3);
        var objectsBefore = await CountAsync("SELECT count(*) FROM \"DiaObject\"");

        // The objects are staged and merged before the sources; the second source collides with a stored id, so the
        // store fails after the object writes have run inside its transaction.
        var error = await Assert.ThrowsAsync<ApdbUserException>(() => Store.StoreAsync(
            dv, VisitMjd + 1,
            [RowFactory.Object(random, 9001, 40, 40), RowFactory.Object(random, 9002, 40.01, 40)],
            [RowFactory.Source(random, 19001, dv, 40, 40, VisitMjd + 1, 9001), RowFactory.Source(random, 19000, dv, 40.01, 40, VisitMjd + 1, 9002)],
            [RowFactory.Forced(random, 29001, 9001, dv, 40, 40, VisitMjd + 1)]));

        Assert.Contains("DiaSource 19000 already exists", error.Message, StringComparison.Ordinal);
        Assert.Equal(objectsBefore, await CountAsync("SELECT count(*) FROM \"DiaObject\""));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM \"DiaObjectLast\" WHERE \"diaObjectId\" IN (9001, 9002)"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM \"DiaSource\" WHERE \"diaSourceId\" = 19001"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM \"DiaForcedSource\" WHERE \"diaForcedSourceId\" = 29001"));
        Assert.False(await Store.ContainsVisitDetectorAsync(dv));
    }

    [Fact]
    public async Task A_store_cancelled_midway_leaves_nothing_behind()
    {
        var random = new Random(6);
        var dv = new DetectorVisit(6001, 4);
        var objects = Enumerable.Range(0, 20000).Select(i => RowFactory.Object(random, 100000 + i, 50 + (i * 1e-4), 10)).ToList();
        var sources = Enumerable.Range(0, 20000).Select(i => RowFactory.Source(random, 200000 + i, dv, 50 + (i * 1e-4), 10, VisitMjd, 100000 + i)).ToList();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.StoreAsync(dv, VisitMjd, objects, sources, [], cancellationToken: cancellation.Token));

        Assert.Equal(0, await CountAsync("SELECT count(*) FROM \"DiaObject\" WHERE \"diaObjectId\" >= 100000 AND \"diaObjectId\" < 120000"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM \"DiaSource\" WHERE visit = 6001"));
        Assert.False(await Store.ContainsVisitDetectorAsync(dv));
    }

    [Fact]
    public async Task The_window_holds_the_last_twelve_30_day_months_before_the_visit()
    {
        var random = new Random(7);
        var window = 12 * 30.0;
        var times = new[] { VisitMjd - window - 0.001, VisitMjd - window, VisitMjd - window + 0.001, VisitMjd - 1, VisitMjd };
        for (var i = 0; i < times.Length; i++)
        {
            var dv = new DetectorVisit(7000 + i, 9);
            await Store.StoreAsync(dv, times[i], [], [RowFactory.Source(random, 27000 + i, dv, 60, -30, times[i], 1234)], [RowFactory.Forced(random, 37000 + i, 1234, dv, 60, -30, times[i])]);
        }

        var region = Cone(60, -30, 0.001);
        var byRegion = (await Store.GetDiaSourcesAsync(region, VisitMjd)).Select(s => s.DiaSourceId).Order().ToArray();
        var byId = (await Store.GetDiaSourcesAsync([1234L], VisitMjd)).Select(s => s.DiaSourceId).Order().ToArray();
        var forced = (await Store.GetDiaForcedSourcesAsync([1234L], VisitMjd)).Select(s => s.DiaForcedSourceId).Order().ToArray();
        var threeMonths = (await Store.GetDiaSourcesAsync(region, VisitMjd, months: 3)).Select(s => s.DiaSourceId).Order().ToArray();

        // Rubin's rule: midpointMjdTai > visit time - months * 30 (strictly later), no upper bound.
        Assert.Equal([27002L, 27003L, 27004L], byRegion);
        Assert.Equal(byRegion, byId);
        Assert.Equal([37002L, 37003L, 37004L], forced);
        Assert.Equal([27003L, 27004L], threeMonths);
        Assert.True(await CountAsync("SELECT count(*) FROM pg_inherits WHERE inhparent = '\"DiaSource\"'::regclass") >= 2);
    }

    [Fact]
    public async Task An_empty_id_list_gives_an_empty_result()
    {
        Assert.Empty(await Store.GetDiaSourcesAsync(Array.Empty<long>(), VisitMjd));
        Assert.Empty(await Store.GetDiaForcedSourcesAsync(Array.Empty<long>(), VisitMjd));
    }

    [Fact]
    public async Task Region_reads_are_exact_at_the_cone_edge()
    {
        var random = new Random(8);
        var dv = new DetectorVisit(8001, 1);
        var center = SkyPosition.FromDegrees(359.999, 45);
        var objects = new List<DiaObject>();
        for (var i = 0; i < 400; i++)
        {
            objects.Add(RowFactory.Object(random, 40000 + i, (359.99 + (random.NextDouble() * 0.02)) % 360, 44.99 + (random.NextDouble() * 0.02)));
        }

        await Store.StoreAsync(dv, VisitMjd, objects, [], []);
        var cone = new SkyCone(center, 0.006);
        var expected = objects.Where(o => AngularDistance.Degrees(center, SkyPosition.FromDegrees(o.Ra, o.Dec)) <= 0.006).Select(o => o.DiaObjectId).Order().ToArray();

        var actual = (await Store.GetDiaObjectsAsync(cone)).Select(o => o.DiaObjectId).Order().ToArray();

        Assert.NotEmpty(expected);
        Assert.True(expected.Length < objects.Count);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(double.NaN, 0.0, "ra = NaN")]
    [InlineData(10.0, 91.0, "dec = 91")]
    [InlineData(-1.0, 0.0, "ra = -1")]
    public async Task Bad_coordinates_are_refused_naming_the_row(double ra, double dec, string expected)
    {
        var random = new Random(9);
        var dv = new DetectorVisit(9001, 1);
        var source = RowFactory.Source(random, 99001, dv, 10, 0, VisitMjd, null);
        source.Ra = ra;
        source.Dec = dec;

        var error = await Assert.ThrowsAsync<ApdbUserException>(() => Store.StoreAsync(dv, VisitMjd, [], [source], []));

        Assert.Contains("DiaSource 99001", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(await Store.ContainsVisitDetectorAsync(dv));
    }

    [Fact]
    public async Task Colliding_ids_within_one_store_are_refused()
    {
        var random = new Random(10);
        var dv = new DetectorVisit(9101, 1);
        var error = await Assert.ThrowsAsync<ApdbUserException>(() => Store.StoreAsync(
            dv, VisitMjd, [RowFactory.Object(random, 555, 1, 1), RowFactory.Object(random, 555, 1.1, 1)], [], []));
        Assert.Contains("DiaObject 555 appears twice", error.Message, StringComparison.Ordinal);
    }
}
