using Apdb.Records;
using Apdb.Sky;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Tests;

/// <summary>
/// The region reads (DiaPipe's preload) are prepared statements with the pixel ranges as arrays. PostgreSQL plans the
/// first five calls on a connection for their values and may then keep one generic plan; under either plan a read
/// returns exactly the rows in the region and, for sources, in the window.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RegionReadTests(PostgresServer server) : IAsyncLifetime
{
    private const double VisitMjd = 61000.25;
    private static readonly double[] VisitOffsets = [-200, -100, -30, 0];
    private readonly List<DiaObject> _objects = [];
    private readonly List<DiaSource> _sources = [];
    private readonly List<DiaForcedSource> _forced = [];
    private ApdbDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await ApdbDatabase.CreateAsync(server, "regionread");
        var random = new Random(23);
        long id = 1;
        for (var v = 0; v < VisitOffsets.Length; v++)
        {
            var dv = new DetectorVisit(8000 + v, 5);
            var mjd = VisitMjd + VisitOffsets[v];
            var objects = new List<DiaObject>();
            var sources = new List<DiaSource>();
            var forced = new List<DiaForcedSource>();
            for (var k = 0; k < 150; k++)
            {
                var ra = 149.5 + random.NextDouble();
                var dec = 1.5 + random.NextDouble();
                var o = RowFactory.Object(random, id, ra, dec);
                objects.Add(o);
                sources.Add(RowFactory.Source(random, id, dv, ra + 1e-5, dec - 1e-5, mjd, id));
                forced.Add(RowFactory.Forced(random, id, id, dv, ra, dec, mjd));
                id++;
            }

            await _db.Store.StoreAsync(dv, mjd, objects, sources, forced);
            _objects.AddRange(objects);
            _sources.AddRange(sources);
            _forced.AddRange(forced);
        }
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>Cones of several sizes and a quadrilateral, all over the stored rows and partly past their edge.</summary>
    private static List<ISkyRegion> Regions()
    {
        var random = new Random(5);
        var regions = new List<ISkyRegion>();
        for (var i = 0; i < 6; i++)
        {
            regions.Add(new SkyCone(SkyPosition.FromDegrees(149.4 + (1.2 * random.NextDouble()), 1.4 + (1.2 * random.NextDouble())), 0.05 + (0.35 * random.NextDouble())));
        }

        regions.Add(SphericalPolygon.FromVertices(
            [SkyPosition.FromDegrees(149.6, 1.6), SkyPosition.FromDegrees(150.3, 1.7), SkyPosition.FromDegrees(150.2, 2.4), SkyPosition.FromDegrees(149.7, 2.2)]));
        return regions;
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("force_generic_plan")]
    [InlineData("force_custom_plan")]
    public async Task Region_reads_return_exactly_the_rows_in_the_region_under_every_plan(string planCacheMode)
    {
        // One physical connection, so every call meets the statements prepared by the calls before it.
        var builder = new NpgsqlConnectionStringBuilder(_db.ConnectionString) { MaxPoolSize = 1, Options = $"-c plan_cache_mode={planCacheMode}" };
        await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        var store = new ApdbStore(dataSource);
        var readAt = VisitMjd + 1;
        var regions = Regions();
        for (var round = 0; round < 7; round++)
        {
            foreach (var (region, r) in regions.Select((region, r) => (region, r)))
            {
                var months = (round + r) % 2 == 0 ? 12 : 3;
                var start = readAt - (months * ApdbStore.DaysPerMonth);
                bool In(double ra, double dec) => region.Contains(SkyPosition.FromDegrees(ra, dec));

                var objects = (await store.GetDiaObjectsAsync(region)).Select(o => o.DiaObjectId).Order().ToArray();
                Assert.Equal(_objects.Where(o => In(o.Ra, o.Dec)).Select(o => o.DiaObjectId).Order().ToArray(), objects);

                var sources = (await store.GetDiaSourcesAsync(region, readAt, months)).Select(s => s.DiaSourceId).Order().ToArray();
                Assert.Equal(_sources.Where(s => In(s.Ra, s.Dec) && s.MidpointMjdTai > start).Select(s => s.DiaSourceId).Order().ToArray(), sources);

                var forced = (await store.GetDiaForcedSourcesAsync(region, readAt, months)).Select(f => f.DiaForcedSourceId).Order().ToArray();
                Assert.Equal(_forced.Where(f => In(f.Ra, f.Dec) && f.MidpointMjdTai > start).Select(f => f.DiaForcedSourceId).Order().ToArray(), forced);
                Assert.NotEmpty(objects);
            }
        }

        // The three reads are prepared on the connection, one statement each, and the plans used are the mode's.
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*), coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) FROM pg_prepared_statements WHERE statement LIKE '%unnest(%'",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        var calls = 7 * regions.Count * 3;
        Assert.Equal(3, reader.GetInt64(0));
        Assert.Equal(calls, reader.GetInt64(1) + reader.GetInt64(2));
        if (planCacheMode == "force_generic_plan")
        {
            Assert.Equal(0, reader.GetInt64(2));
        }
        else if (planCacheMode == "force_custom_plan")
        {
            Assert.Equal(0, reader.GetInt64(1));
        }
    }
}
