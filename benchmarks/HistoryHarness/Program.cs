// The history-load floor, measured in the same run on the same rows (issue 4):
//   1. load:  HistoryLoader.LoadAsync (generation + binary COPY into partitions + indexes + ANALYZE), timed;
//   2. dump:  the server writes the loaded rows to binary COPY files (COPY (SELECT ...) TO '/dir/t.bin' (FORMAT BINARY));
//   3. floor: one session runs (BEGIN; TRUNCATE; COPY ... FREEZE; COMMIT, as the loader) COPY plain_t FROM '/dir/t.bin' (FORMAT BINARY) into plain (unpartitioned, unindexed)
//             tables, then builds the same primary keys and indexes; both timed.
// Usage: Apdb.HistoryHarness --db <connection string> --presets demo,fov [--months 12] [--seed 1] [--dir /tmp/apdb-floor] --out DIR
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Apdb.History;
using Npgsql;

var options = ParseArgs(args);
var db = options.GetValueOrDefault("db") ?? Environment.GetEnvironmentVariable("APDB_DB") ?? throw new ArgumentException("--db is required");
var presets = (options.GetValueOrDefault("presets") ?? "demo").Split(',', StringSplitOptions.RemoveEmptyEntries);
var months = int.Parse(options.GetValueOrDefault("months") ?? "12", CultureInfo.InvariantCulture);
var seed = long.Parse(options.GetValueOrDefault("seed") ?? "1", CultureInfo.InvariantCulture);
var dir = options.GetValueOrDefault("dir") ?? "/tmp/apdb-floor";
var outDir = options.GetValueOrDefault("out") ?? "benchmarks/history/results";
Directory.CreateDirectory(outDir);
Directory.CreateDirectory(dir);
if (!OperatingSystem.IsWindows())
{
    File.SetUnixFileMode(dir, (UnixFileMode)0b111_111_111);
}

await using var dataSource = NpgsqlDataSource.Create(db);
await Apdb.Schema.SchemaMigrator.MigrateAsync(dataSource);
string[] tables = ["DiaSource", "DiaObject", "DiaForcedSource", "DiaObjectLast"];
var results = new List<Dictionary<string, object>>();
foreach (var preset in presets)
{
    Console.Error.WriteLine($"[{preset}] load...");
    var load = await HistoryLoader.LoadAsync(dataSource, preset, months, seed, replace: true);
    Console.Error.WriteLine($"[{preset}] load {load.Seconds.Total:F1} s (generate {load.Seconds.Generate:F1}, copy {load.Seconds.Copy:F1}, index {load.Seconds.Index:F1})");

    // The same indexes the loader rebuilt, read back from the catalog, retargeted to the floor tables.
    var indexes = new List<(string Table, string Sql)>();
    await using (var cmd = dataSource.CreateCommand("""
        SELECT c.relname, pg_get_indexdef(i.oid), con.conname, pg_get_constraintdef(con.oid)
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
        LEFT JOIN pg_constraint con ON con.conindid = i.oid AND con.contype = 'p'
        WHERE c.relname = ANY(@t) AND c.relnamespace = 'public'::regnamespace ORDER BY 1, 3 NULLS LAST, 2
        """))
    {
        cmd.Parameters.AddWithValue("t", tables);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var table = reader.GetString(0);
            var sql = reader.IsDBNull(2)
                ? reader.GetString(1).Replace(" ON ONLY ", " ON ", StringComparison.Ordinal)
                    .Replace($"INDEX \"", "INDEX \"floor_", StringComparison.Ordinal)
                    .Replace($"public.\"{table}\"", $"floor.\"{table}\"", StringComparison.Ordinal)
                : $"ALTER TABLE floor.\"{table}\" ADD CONSTRAINT \"floor_{reader.GetString(2)}\" {reader.GetString(3)}";
            indexes.Add((table, sql));
        }
    }

    await Exec("DROP SCHEMA IF EXISTS floor CASCADE; CREATE SCHEMA floor");
    var fileBytes = 0L;
    foreach (var t in tables)
    {
        var file = Path.Combine(dir, $"{t}.bin");
        File.Delete(file);
        await Exec($"COPY (SELECT * FROM public.\"{t}\") TO '{file}' (FORMAT BINARY)");
        fileBytes += new FileInfo(file).Length;
        await Exec($"CREATE TABLE floor.\"{t}\" (LIKE public.\"{t}\")");
    }

    await Exec("CHECKPOINT");
    Console.Error.WriteLine($"[{preset}] floor: COPY FROM {fileBytes / 1e6:F0} MB of files...");
    var copyTimes = new Dictionary<string, double>();
    var clock = Stopwatch.StartNew();
    foreach (var t in tables)
    {
        var one = Stopwatch.StartNew();
        // Truncated in the COPY's own transaction, as the loader does: with wal_level = minimal neither writes WAL.
        await Exec($"BEGIN; TRUNCATE floor.\"{t}\"; COPY floor.\"{t}\" FROM '{Path.Combine(dir, $"{t}.bin")}' (FORMAT BINARY, FREEZE); COMMIT");
        copyTimes[t] = one.Elapsed.TotalSeconds;
    }

    var floorCopy = clock.Elapsed.TotalSeconds;
    clock.Restart();
    foreach (var (_, sql) in indexes)
    {
        await Exec(sql);
    }

    var floorIndex = clock.Elapsed.TotalSeconds;
    var floor = floorCopy + floorIndex;
    var row = new Dictionary<string, object>
    {
        ["preset"] = preset,
        ["months"] = months,
        ["seed"] = seed,
        ["visits"] = load.Visits,
        ["rows"] = load.Rows,
        ["loadSeconds"] = load.Seconds,
        ["loadTables"] = load.Tables,
        ["floorCopySeconds"] = Math.Round(floorCopy, 3),
        ["floorIndexSeconds"] = Math.Round(floorIndex, 3),
        ["floorSeconds"] = Math.Round(floor, 3),
        ["floorCopyByTable"] = copyTimes,
        ["floorFileBytes"] = fileBytes,
        ["ratio"] = Math.Round(load.Seconds.Total / floor, 3),
    };
    results.Add(row);
    Console.Error.WriteLine($"[{preset}] load {load.Seconds.Total:F1} s vs floor {floor:F1} s (copy {floorCopy:F1} + index {floorIndex:F1}): ratio {load.Seconds.Total / floor:F2}");
    await Exec("DROP SCHEMA floor CASCADE");
    foreach (var t in tables)
    {
        File.Delete(Path.Combine(dir, $"{t}.bin"));
    }
}

var json = JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true });
await File.WriteAllTextAsync(Path.Combine(outDir, "history-load.json"), json);
var csv = new StringBuilder("preset,months,visits,DiaSource,DiaObject,DiaForcedSource,DiaObjectLast,load_total_s,load_generate_s,load_copy_s,load_index_s,floor_copy_s,floor_index_s,floor_s,ratio\n");
foreach (var r in results)
{
    var rows = (IReadOnlyDictionary<string, long>)r["rows"];
    var s = (HistoryLoadSeconds)r["loadSeconds"];
    csv.Append(CultureInfo.InvariantCulture, $"{r["preset"]},{r["months"]},{r["visits"]},{rows["DiaSource"]},{rows["DiaObject"]},{rows["DiaForcedSource"]},{rows["DiaObjectLast"]},{s.Total},{s.Generate},{s.Copy},{s.Index},{r["floorCopySeconds"]},{r["floorIndexSeconds"]},{r["floorSeconds"]},{r["ratio"]}\n");
}

await File.WriteAllTextAsync(Path.Combine(outDir, "history-load.csv"), csv.ToString());
Console.WriteLine(json);
return 0;

async Task Exec(string sql)
{
    await using var command = dataSource.CreateCommand(sql);
    command.CommandTimeout = 0;
    await command.ExecuteNonQueryAsync();
}

static Dictionary<string, string> ParseArgs(string[] args)
{
    var map = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
    {
        map[args[i].TrimStart('-')] = args[i + 1];
    }

    return map;
}
