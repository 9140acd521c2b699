using Apdb.Embedded;
using Apdb.Records;
using Apdb.Schema;
using Apdb.Sky;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Npgsql;

namespace Apdb.Benchmarks;

/// <summary>
/// The APDB API at small scale: one detector-visit store and the three preload reads over a few months of history in
/// one square degree. The store is compared with the floor: a plain binary COPY of the same rows into unindexed,
/// unpartitioned tables (no staging, no merge, no version bookkeeping).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ApdbStoreBenchmarks
{
    private const double FirstMjd = 61000.0;
    private const int HistoryVisits = 60;
    private const int ObjectsPerVisit = 400;
    private const int SourcesPerVisit = 500;
    private EmbeddedPostgres _postgres = null!;
    private NpgsqlDataSource _dataSource = null!;
    private ApdbStore _store = null!;
    private SphericalPolygon _footprint = null!;
    private long[] _objectIds = null!;
    private long _visit = 1_000_000;
    private long _nextId = 10_000_000_000;
    private double _visitMjd;
    private (DiaObject[] Objects, DiaSource[] Sources, DiaForcedSource[] Forced) _batch;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var home = Path.Combine(Path.GetTempPath(), $"apdb-bench-{Guid.NewGuid():N}"[..30]);
        Directory.CreateDirectory(home);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(home, (UnixFileMode)0b111_101_101);
        }
        _postgres = new EmbeddedPostgres(new EmbeddedPostgresOptions { Home = home, SharedBuffers = "512MB" });
        var cluster = await _postgres.StartAsync();
        _dataSource = NpgsqlDataSource.Create(cluster.ConnectionString);
        await SchemaMigrator.MigrateAsync(_dataSource, drop: true);
        await using (var floor = _dataSource.CreateCommand(
            "CREATE TABLE floor_DiaObject (LIKE \"DiaObject\"); CREATE TABLE floor_DiaSource (LIKE \"DiaSource\"); CREATE TABLE floor_DiaForcedSource (LIKE \"DiaForcedSource\")"))
        {
            await floor.ExecuteNonQueryAsync();
        }

        _store = new ApdbStore(_dataSource);
        var random = new Random(1);

        // A few months of history on a 1x1 degree patch: objects re-detected visit after visit.
        var ids = new List<long>();
        for (var v = 0; v < HistoryVisits; v++)
        {
            var mjd = FirstMjd + (v * 2.0);
            var batch = MakeVisit(random, _visit + v, mjd, ids, reuse: v > 0);
            await _store.StoreAsync(new DetectorVisit(_visit + v, 1), mjd, batch.Objects, batch.Sources, batch.Forced);
        }

        _visit += HistoryVisits;
        _objectIds = [.. ids.Take(2000)];
        _visitMjd = FirstMjd + (HistoryVisits * 2.0);
        await using (var analyze = _dataSource.CreateCommand("ANALYZE"))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        _footprint = DetectorFootprint.Lsst(SkyPosition.FromDegrees(150.5, 2.5), 0).ToPolygon(20);
        _batch = MakeVisit(random, 0, _visitMjd, ids, reuse: true);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _dataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await _postgres.StopAsync();
        _postgres.Delete();
    }

    [Benchmark(Baseline = true, Description = "floor: plain binary COPY of the same rows")]
    [BenchmarkCategory("store")]
    public async Task<int> RawCopy()
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        var n = 0;
        n += await CopyAsync(connection, "floor_DiaObject", DiaObjectColumns.Names, _batch.Objects, DiaObjectColumns.WriteCopyRow);
        n += await CopyAsync(connection, "floor_DiaSource", DiaSourceColumns.Names, _batch.Sources, DiaSourceColumns.WriteCopyRow);
        n += await CopyAsync(connection, "floor_DiaForcedSource", DiaForcedSourceColumns.Names, _batch.Forced, DiaForcedSourceColumns.WriteCopyRow);
        return n;
    }

    [Benchmark(Description = "StoreAsync: one detector-visit")]
    [BenchmarkCategory("store")]
    public async Task<int> Store()
    {
        var visit = Interlocked.Increment(ref _visit);
        var dv = new DetectorVisit(visit, 2);
        foreach (var s in _batch.Sources)
        {
            s.Visit = visit;
            s.Detector = 2;
            s.DiaSourceId = Interlocked.Increment(ref _nextId);
        }

        foreach (var f in _batch.Forced)
        {
            f.Visit = visit;
            f.Detector = 2;
        }

        _visitMjd += 1e-3;
        var result = await _store.StoreAsync(dv, _visitMjd, _batch.Objects, _batch.Sources, _batch.Forced);
        return result.DiaObjects + result.DiaSources + result.DiaForcedSources;
    }

    [Benchmark(Baseline = true, Description = "GetDiaObjects(padded detector)")]
    [BenchmarkCategory("read")]
    public async Task<int> ReadObjects() => (await _store.GetDiaObjectsAsync(_footprint)).Count;

    [Benchmark(Description = "GetDiaSources(padded detector, 12 months)")]
    [BenchmarkCategory("read")]
    public async Task<int> ReadSources() => (await _store.GetDiaSourcesAsync(_footprint, _visitMjd)).Count;

    [Benchmark(Description = "GetDiaForcedSources(2000 object ids, 12 months)")]
    [BenchmarkCategory("read")]
    public async Task<int> ReadForcedSources() => (await _store.GetDiaForcedSourcesAsync(_objectIds, _visitMjd)).Count;

    private (DiaObject[] Objects, DiaSource[] Sources, DiaForcedSource[] Forced) MakeVisit(Random random, long visit, double mjd, List<long> ids, bool reuse)
    {
        var objects = new DiaObject[ObjectsPerVisit];
        var sources = new DiaSource[SourcesPerVisit];
        var forced = new List<DiaForcedSource>();
        for (var i = 0; i < SourcesPerVisit; i++)
        {
            var id = Interlocked.Increment(ref _nextId);
            var reused = reuse && i < ObjectsPerVisit && ids.Count > 0;
            var objectId = reused ? ids[random.Next(ids.Count)] : id;
            var ra = 150 + random.NextDouble();
            var dec = 2 + random.NextDouble();
            sources[i] = new DiaSource
            {
                DiaSourceId = id, Visit = visit, Detector = 1, DiaObjectId = objectId, Ra = ra, Dec = dec, MidpointMjdTai = mjd,
                PsfFlux = (float)(random.NextDouble() * 1e4), PsfFluxErr = 50, Band = "r", X = 100, Y = 100, TimeProcessedMjdTai = mjd,
            };
            if (i < ObjectsPerVisit)
            {
                if (!reused)
                {
                    ids.Add(id);
                }

                if (objects.Take(i).All(o => o is null || o.DiaObjectId != objectId))
                {
                    objects[i] = new DiaObject { DiaObjectId = objectId, Ra = ra, Dec = dec, NDiaSources = 1, RPsfFluxMean = 1000 };
                }
            }
        }

        var uniqueObjects = objects.Where(o => o is not null).ToArray();
        foreach (var o in uniqueObjects.Take(300))
        {
            forced.Add(new DiaForcedSource
            {
                DiaForcedSourceId = Interlocked.Increment(ref _nextId), DiaObjectId = o.DiaObjectId, Visit = visit, Detector = 1,
                Ra = o.Ra, Dec = o.Dec, MidpointMjdTai = mjd, PsfFlux = 10, PsfFluxErr = 5, Band = "r", TimeProcessedMjdTai = mjd,
            });
        }

        return (uniqueObjects, sources, [.. forced]);
    }

    private static async Task<int> CopyAsync<T>(NpgsqlConnection connection, string table, IReadOnlyList<string> columns, IReadOnlyList<T> rows, Action<CopyBuffer, T> write)
    {
        using var buffer = new CopyBuffer(Math.Max(4096, rows.Count * 512));
        foreach (var row in rows)
        {
            write(buffer, row);
        }

        buffer.CheckRowComplete();
        await using var copy = await connection.BeginRawBinaryCopyAsync(
            $"COPY {table} ({string.Join(", ", columns.Select(c => "\"" + c + "\""))}) FROM STDIN (FORMAT BINARY)");
        await copy.WriteAsync(CopyBuffer.Header.ToArray());
        await copy.WriteAsync(buffer.Written.ToArray());
        await copy.WriteAsync(CopyBuffer.Trailer.ToArray());
        return buffer.Rows;
    }
}
