// The per-detector-visit APDB work on one server and on a sharded APDB holding the same history, measured in one run:
// the preload of a padded detector region (DiaObjects, 12 months of DiaSources and DiaForcedSources) and the store of
// a new detector-visit (sources on preloaded objects, new objects, forced sources; DiaPipe's summariser inside the
// store). Each detector-visit is done on both, alternating which goes first; the sharded preload is timed both straight
// to the shards and through the coordinator. Afterwards both APDBs are compared by query (the SQL functions, the new
// rows): they must be identical. Usage:
//   Apdb.ShardHarness --single "<connection>" --sharded "coordinator=<URI> shard=<URI> ..." [--detectors 40] [--seed 1] [--ignore-processing-time] --out DIR
// or, for two APDBs that did the same work elsewhere (`apdb demo` on each), only the comparison (compare.json):
//   Apdb.ShardHarness --compare-only [--ignore-processing-time] --single "<connection>" --sharded "coordinator=<URI> ..." --out DIR
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Apdb;
using Apdb.Pipeline.DiaPipe;
using Apdb.Records;
using Apdb.Sharded;
using Apdb.Sky;
using Npgsql;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length && !args[p.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[p.i + 1] : "true");
if (!options.TryGetValue("single", out var singleDb) || !options.TryGetValue("sharded", out var shardedDb) || !options.TryGetValue("out", out var outDir))
{
    Console.Error.WriteLine("usage: Apdb.ShardHarness --single <connection> --sharded \"coordinator=<URI> shard=<URI> ...\" [--detectors N] [--seed S] --out DIR");
    return 1;
}

if (options.ContainsKey("compare-only"))
{
    // Two APDBs that did the same work elsewhere (e.g. `apdb demo` on each): only the comparison by query.
    await using var first = NpgsqlDataSource.Create(ApdbConnector.Normalize(singleDb));
    await using var second = NpgsqlDataSource.Create(ShardedTarget.Parse(shardedDb).Coordinator
        ?? throw new ApdbUserException("--compare-only needs a coordinator in --sharded"));
    var (ra, dec, _, _) = await FieldAsync(first);
    string[] ignored = options.ContainsKey("ignore-processing-time") ? [ApdbComparison.ProcessingTimeColumn] : [];
    var compared = await ApdbComparison.CompareAsync(first, second, ra, dec, ignored);
    Directory.CreateDirectory(outDir);
    var report = JsonSerializer.Serialize(new { ignoredColumns = ignored, comparisons = compared, identical = compared.All(c => c.Identical) }, new JsonSerializerOptions { WriteIndented = true });
    await File.WriteAllTextAsync(Path.Combine(outDir, "compare.json"), report);
    Console.WriteLine(report);
    return compared.All(c => c.Identical) ? 0 : 3;
}

var detectors = int.Parse(options.GetValueOrDefault("detectors", "40"), CultureInfo.InvariantCulture);
var random = new Random(int.Parse(options.GetValueOrDefault("seed", "1"), CultureInfo.InvariantCulture));
Directory.CreateDirectory(outDir);

await using var single = NpgsqlDataSource.Create(ApdbConnector.Normalize(singleDb));
var target = ShardedTarget.Parse(shardedDb);
await using var sharded = await ShardedApdb.OpenAsync(target);
var singleStore = new ApdbStore(single);
var viaCoordinator = new ApdbStore(sharded.Coordinator!);

var (centerRa, centerDec, radius, lastMjd) = await FieldAsync(single);
var visitMjd = Math.Ceiling(lastMjd) + 1;
var rows = new List<Dictionary<string, object>>();
for (var k = 0; k < detectors; k++)
{
    // A detector's padded region: 13.7' square (4k x 0.2") plus 52" of padding, as a cone of its half-diagonal.
    var angle = random.NextDouble() * 2 * Math.PI;
    var offset = Math.Sqrt(random.NextDouble()) * radius * 0.8;
    var center = SkyPosition.FromDegrees(centerRa + (offset * Math.Cos(angle) / Math.Cos(centerDec * Math.PI / 180)), centerDec + (offset * Math.Sin(angle)));
    var region = new SkyCone(center, (13.65 / 2 * Math.Sqrt(2) / 60) + (52 / 3600.0));
    var dv = new DetectorVisit(9_000_000 + k, (short)(k % 189));
    var shardedFirst = k % 2 == 1;
    var result = new Dictionary<string, object> { ["detector"] = k, ["shardsTouched"] = sharded.ShardsOf(region).Count };

    async Task<(double Seconds, IReadOnlyList<DiaObjectLast> Objects)> PreloadAsync(string name, Func<Task<IReadOnlyList<DiaObjectLast>>> objects, Func<Task<int>> rest)
    {
        var clock = Stopwatch.StartNew();
        var o = objects();
        var r = rest();
        var found = await o;
        var n = await r;
        result[name + "PreloadSeconds"] = clock.Elapsed.TotalSeconds;
        result[name + "PreloadRows"] = found.Count + n;
        return (clock.Elapsed.TotalSeconds, found);
    }

    Task<(double, IReadOnlyList<DiaObjectLast>)> PreloadSingle() => PreloadAsync("single", () => singleStore.GetDiaObjectsAsync(region),
        async () => (await singleStore.GetDiaSourcesAsync(region, visitMjd)).Count + (await singleStore.GetDiaForcedSourcesAsync(region, visitMjd)).Count);
    Task<(double, IReadOnlyList<DiaObjectLast>)> PreloadSharded() => PreloadAsync("sharded", () => sharded.GetDiaObjectsAsync(region),
        async () =>
        {
            var s = sharded.GetDiaSourcesAsync(region, visitMjd);
            var f = sharded.GetDiaForcedSourcesAsync(region, visitMjd);
            return (await s).Count + (await f).Count;
        });
    Task<(double, IReadOnlyList<DiaObjectLast>)> PreloadCoordinator() => PreloadAsync("coordinator", () => viaCoordinator.GetDiaObjectsAsync(region),
        async () => (await viaCoordinator.GetDiaSourcesAsync(region, visitMjd)).Count + (await viaCoordinator.GetDiaForcedSourcesAsync(region, visitMjd)).Count);

    var (_, objectsHere) = shardedFirst ? await PreloadSharded() : await PreloadSingle();
    _ = shardedFirst ? await PreloadSingle() : await PreloadSharded();
    await PreloadCoordinator();

    var plan = NewDetectorVisit(random, dv, visitMjd, objectsHere);
    async Task StoreAsync(string name, Func<IReadOnlyList<DiaSource>, IReadOnlyList<DiaForcedSource>, Task<StoreResult>> store)
    {
        var (sources, forced) = plan.Copy();
        var clock = Stopwatch.StartNew();
        await store(sources, forced);
        result[name + "StoreSeconds"] = clock.Elapsed.TotalSeconds;
    }

    var storeSingle = () => StoreAsync("single", (s, f) => singleStore.StoreAsync(dv, visitMjd, DiaObjectSummaryStoreAdapter.Instance, s, f));
    var storeSharded = () => StoreAsync("sharded", (s, f) => sharded.StoreAsync(dv, visitMjd, DiaObjectSummaryStoreAdapter.Instance, s, f));
    if (shardedFirst)
    {
        await storeSharded();
        await storeSingle();
    }
    else
    {
        await storeSingle();
        await storeSharded();
    }

    result["sources"] = plan.Sources.Count;
    result["forcedSources"] = plan.Forced.Count;
    rows.Add(result);
    Console.Error.Write($"\r{k + 1}/{detectors} detector-visits");
}

Console.Error.WriteLine();
// Two APDBs whose histories came from separate `apdb run`/`demo` runs differ in the pipeline's processing time only.
string[] ignoredColumns = options.ContainsKey("ignore-processing-time") ? [ApdbComparison.ProcessingTimeColumn] : [];
var comparisons = await ApdbComparison.CompareAsync(single, sharded.Coordinator!, centerRa, centerDec, ignoredColumns);
double Median(string key) => Stats.Median(rows.Skip(2).Select(r => (double)r[key]));
var summary = new
{
    detectors,
    warmupExcluded = 2,
    ignoredColumns,
    shardsTouched = rows.GroupBy(r => (int)r["shardsTouched"]).ToDictionary(g => g.Key.ToString(CultureInfo.InvariantCulture), g => g.Count()),
    medians = new
    {
        singlePreloadSeconds = Median("singlePreloadSeconds"),
        shardedPreloadSeconds = Median("shardedPreloadSeconds"),
        coordinatorPreloadSeconds = Median("coordinatorPreloadSeconds"),
        singleStoreSeconds = Median("singleStoreSeconds"),
        shardedStoreSeconds = Median("shardedStoreSeconds"),
    },
    ratios = new
    {
        preloadShardedOverSingle = Median("shardedPreloadSeconds") / Median("singlePreloadSeconds"),
        preloadCoordinatorOverSingle = Median("coordinatorPreloadSeconds") / Median("singlePreloadSeconds"),
        storeShardedOverSingle = Median("shardedStoreSeconds") / Median("singleStoreSeconds"),
        preloadPlusStoreShardedOverSingle = (Median("shardedPreloadSeconds") + Median("shardedStoreSeconds")) / (Median("singlePreloadSeconds") + Median("singleStoreSeconds")),
    },
    medianPreloadRows = Stats.Median(rows.Select(r => (double)(int)r["singlePreloadRows"])),
    comparisons,
    identical = comparisons.All(c => c.Identical),
};
var json = JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true });
await File.WriteAllTextAsync(Path.Combine(outDir, "shards.json"), json);
var keys = rows[0].Keys.ToList();
await File.WriteAllLinesAsync(Path.Combine(outDir, "shards.csv"),
    [string.Join(',', keys), .. rows.Select(r => string.Join(',', keys.Select(k => Convert.ToString(r.GetValueOrDefault(k), CultureInfo.InvariantCulture))))]);
Console.WriteLine(json);
return summary.identical ? 0 : 3;

static async Task<(double Ra, double Dec, double Radius, double LastMjd)> FieldAsync(NpgsqlDataSource single)
{
    await using var command = single.CreateCommand(
        "SELECT avg(ra), avg(dec), max(\"midpointMjdTai\") FROM (SELECT ra, dec, \"midpointMjdTai\" FROM \"DiaSource\" TABLESAMPLE SYSTEM (10)) s");
    await using var reader = await command.ExecuteReaderAsync();
    await reader.ReadAsync();
    await using var span = single.CreateCommand("SELECT degrees(max(abs(radians(dec) - radians(@d)))) FROM \"DiaObjectLast\"");
    var dec = reader.GetDouble(1);
    span.Parameters.AddWithValue("d", dec);
    var radius = (double)(await span.ExecuteScalarAsync())!;
    return (reader.GetDouble(0), dec, radius, reader.GetDouble(2));
}

static NewRows NewDetectorVisit(Random random, DetectorVisit dv, double mjd, IReadOnlyList<DiaObjectLast> objects)
{
    // DiaPipe's shape of a store: about a third of the region's objects get a new source, a few hundred new objects
    // (ap_proto's false positives), forced photometry on the objects with two or more sources.
    var sources = new List<DiaSource>();
    var id = (dv.Visit * 10_000) + 1;
    foreach (var o in objects.Where(_ => random.NextDouble() < 0.33))
    {
        sources.Add(Row(dv, id++, o.Ra + ((random.NextDouble() - 0.5) * 1e-5), o.Dec + ((random.NextDouble() - 0.5) * 1e-5), mjd, o.DiaObjectId, random));
    }

    for (var n = 0; n < 300; n++)
    {
        var o = objects.Count > 0 ? objects[random.Next(objects.Count)] : null;
        var (ra, dec) = o is null ? (0.0, 0.0) : (o.Ra + ((random.NextDouble() - 0.5) * 0.05), o.Dec + ((random.NextDouble() - 0.5) * 0.05));
        sources.Add(Row(dv, id, ra, dec, mjd, id, random));
        id++;
    }

    var forced = objects.Where(o => o.NDiaSources >= 2).Select(o => new DiaForcedSource
    {
        DiaObjectId = o.DiaObjectId,
        DiaForcedSourceId = id++,
        Visit = dv.Visit,
        Detector = dv.Detector,
        MidpointMjdTai = mjd,
        Ra = o.Ra,
        Dec = o.Dec,
        Band = "r",
        PsfFlux = (float)(random.NextDouble() * 1000),
        PsfFluxErr = 10f,
    }).ToList();
    return new NewRows(sources, forced);
}

static DiaSource Row(DetectorVisit dv, long id, double ra, double dec, double mjd, long objectId, Random random) => new()
{
    DiaSourceId = id,
    DiaObjectId = objectId,
    Visit = dv.Visit,
    Detector = dv.Detector,
    MidpointMjdTai = mjd,
    Ra = ra,
    Dec = dec,
    Band = "ugrizy"[random.Next(6)].ToString(),
    PsfFlux = (float)(500 + (random.NextDouble() * 1000)),
    PsfFluxErr = 12f,
    ScienceFlux = 4000f,
    ScienceFluxErr = 20f,
    RaErr = 2e-5f,
    DecErr = 2e-5f,
    X = 100f,
    Y = 100f,
    BboxSize = 15,
};


internal sealed record NewRows(List<DiaSource> Sources, List<DiaForcedSource> Forced)
{
    // The store writes pixelId and versions into what it is given: each APDB gets its own copies.
    public (List<DiaSource>, List<DiaForcedSource>) Copy() =>
        ([.. Sources.Select(s => (DiaSource)s.MemberwiseCloneRow())], [.. Forced.Select(f => (DiaForcedSource)f.MemberwiseCloneRow())]);
}

internal static class Stats
{
    public static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }
}

internal static class RowCopy
{
    private static readonly System.Reflection.MethodInfo Clone = typeof(object).GetMethod("MemberwiseClone", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!;

    public static object MemberwiseCloneRow(this object row) => Clone.Invoke(row, null)!;
}
