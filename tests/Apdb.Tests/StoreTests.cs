using Apdb.Sky;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Tests;

[Collection(PostgresCollection.Name)]
public sealed class StoreTests(PostgresServer server) : IAsyncLifetime
{
    private const double VisitMjd = 61000.25;
    private ApdbDatabase _db = null!;

    public async Task InitializeAsync() => _db = await ApdbDatabase.CreateAsync(server, "store");

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private ApdbStore Store => _db.Store;

    private static SkyCone Cone(double ra, double dec, double radiusDeg) => new(SkyPosition.FromDegrees(ra, dec), radiusDeg);

    [Fact]
    public async Task A_store_after_another_process_dropped_the_partitions_recreates_them()
    {
        var random = new Random(8);
        var first = new DetectorVisit(7101, 3);
        await Store.StoreAsync(first, VisitMjd, [], [RowFactory.Source(random, 47001, first, 61, -31, VisitMjd, null)], []);

        // What a concurrent `load-history --replace` does to the partitions this process has already seen.
        await using (var other = NpgsqlDataSource.Create(_db.ConnectionString))
        await using (var drop = other.CreateCommand($"DROP TABLE \"DiaSource_m{(long)Math.Floor(VisitMjd / 30)}\""))
        {
            await drop.ExecuteNonQueryAsync();
        }

        var second = new DetectorVisit(7102, 3);
        await Store.StoreAsync(second, VisitMjd, [], [RowFactory.Source(random, 47002, second, 61, -31, VisitMjd, null)], []);

        Assert.Equal(1, await _db.CountAsync("SELECT count(*) FROM \"DiaSource\" WHERE \"diaSourceId\" IN (47001, 47002)"));
        Assert.Equal(1, await _db.CountAsync("SELECT count(*) FROM apdb_visit_detector WHERE visit = 7102"));
    }
}
