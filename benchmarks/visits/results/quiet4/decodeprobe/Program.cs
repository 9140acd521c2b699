// Decoding one detector's preloaded DiaSourcePacked rows in memory (no server in the timed part): into a list that
// keeps every record alive, as the preload does, and into records dropped at once. Prints the bytes one decode
// allocates, then five rounds of ns a row, 2 s each.
var home = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("APDB_HOME") ?? throw new ArgumentException("usage: decodeprobe APDB_HOME");
var (ds, survey, pipeline, visit) = await Probe.OpenAsync(home);
var ranges = pipeline.PreloadRegion(visit, survey.DetectorsOnRegion(visit, 189).First()).Coverage().Ranges;
await using var cmd = ds.CreateCommand("SELECT p.packed FROM unnest($1, $2) AS r(lo, hi) JOIN \"DiaSourcePacked\" p ON p.\"pixelId\" >= r.lo AND p.\"pixelId\" < r.hi WHERE p.\"midpointMjdTai\" > $3");
cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ranges.Select(r => r.Start).ToArray() });
cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ranges.Select(r => r.End).ToArray() });
cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = visit.MidpointMjdTai - 360 });
var rows = new List<byte[]>();
await using (var r = await cmd.ExecuteReaderAsync())
{
    while (await r.ReadAsync())
    {
        rows.Add(r.GetFieldValue<byte[]>(0));
    }
}

Console.WriteLine($"{rows.Count} rows, mean {rows.Average(x => x.Length):F0} bytes packed");
_ = PackedRows.ReadDiaSource(rows[1]);
var before = GC.GetAllocatedBytesForCurrentThread();
var one = PackedRows.ReadDiaSource(rows[0]);
Console.WriteLine($"one decode allocates {GC.GetAllocatedBytesForCurrentThread() - before} bytes");
GC.KeepAlive(one);
for (var k = 0; k < 5; k++)
{
    var clock = Stopwatch.StartNew();
    var loops = 0;
    while (clock.Elapsed.TotalSeconds < 2)
    {
        var kept = new List<DiaSource>();
        foreach (var b in rows)
        {
            kept.Add(PackedRows.ReadDiaSource(b));
        }

        loops++;
    }

    var retained = clock.Elapsed.TotalSeconds / loops / rows.Count * 1e9;
    clock.Restart();
    loops = 0;
    var sum = 0.0;
    while (clock.Elapsed.TotalSeconds < 2)
    {
        foreach (var b in rows)
        {
            sum += PackedRows.ReadDiaSource(b).Ra;
        }

        loops++;
    }

    var dropped = clock.Elapsed.TotalSeconds / loops / rows.Count * 1e9;
    Console.WriteLine($"decode kept {retained:F0} ns a row, dropped {dropped:F0} ns a row ({sum > 0})");
}
