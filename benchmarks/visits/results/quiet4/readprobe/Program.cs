// The DiaSourcePacked region read of 40 detectors in a loop for PSECS seconds. PMODE: decode (as the store does),
// transient (decode, keep nothing), bytes (copy each row, no decode), read (rows only), agg (string_agg of the rows),
// sync and truesync (synchronous reads), copy (the server-side COPY to /dev/null), raw (COPY TO STDOUT, parsed here).
var home = Environment.GetEnvironmentVariable("PHOME") ?? "/tmp/bvq";
var (ds0, survey, pipeline, visit) = await Probe.OpenAsync(home);
await using var ds = NpgsqlDataSource.Create(Probe.ConnectionString(home));
var regions = survey.DetectorsOnRegion(visit, 189).Take(40).Select(d => pipeline.PreloadRegion(visit, d).Coverage().Ranges).ToList();
var PMODE2 = Environment.GetEnvironmentVariable("PMODE2") ?? "";
if (Environment.GetEnvironmentVariable("PCOUNT") == "1") { var rr = regions[0]; var lo = string.Join(",", rr.Select(r => r.Start)); var hi = string.Join(",", rr.Select(r => r.End)); foreach (var t in new[]{"DiaObjectLast","DiaSourcePacked","DiaForcedSourcePacked"}) { var w = t == "DiaObjectLast" ? "" : $"WHERE p.\"midpointMjdTai\" > {visit.MidpointMjdTai - 360}"; Console.WriteLine($"\\timing on\nCOPY (SELECT * FROM unnest(ARRAY[{lo}]::bigint[], ARRAY[{hi}]::bigint[]) AS r(lo, hi) JOIN \"{t.Replace("Packed","")}\" p ON p.\"pixelId\" >= r.lo AND p.\"pixelId\" < r.hi {w}) TO '/dev/null' (FORMAT binary);"); } return; }
var mode = Environment.GetEnvironmentVariable("PMODE") ?? "async";
var secs = double.Parse(Environment.GetEnvironmentVariable("PSECS") ?? "8");
const string Sql = "SELECT p.packed FROM unnest($1, $2) AS r(lo, hi) JOIN \"DiaSourcePacked\" p ON p.\"pixelId\" >= r.lo AND p.\"pixelId\" < r.hi WHERE p.\"midpointMjdTai\" > $3";
var sw = Stopwatch.StartNew(); long rows = 0; var proc = Process.GetCurrentProcess(); proc.Refresh(); var cpu0 = proc.TotalProcessorTime;
var buffer = new byte[4096]; long loops = 0;
while (sw.Elapsed.TotalSeconds < secs)
foreach (var ranges in regions) {
  if (mode == "truesync") {
    using var sconn = ds.OpenConnection();
    using var scmd = new NpgsqlCommand(Sql, sconn);
    scmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ranges.Select(r => r.Start).ToArray() });
    scmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ranges.Select(r => r.End).ToArray() });
    scmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = visit.MidpointMjdTai - 360 });
    scmd.Prepare();
    var slist = new List<DiaSource>();
    using (var rs = scmd.ExecuteReader()) { while (rs.Read()) { var n = (int)rs.GetBytes(0, 0, null, 0, 0); if (n > buffer.Length) buffer = new byte[2*n]; rs.GetBytes(0, 0, buffer, 0, n); slist.Add(PackedRows.ReadDiaSource(buffer.AsSpan(0, n))); } }
    rows += slist.Count; loops++; continue;
  }
  await using var conn = await ds.OpenConnectionAsync();
  var list = new List<DiaSource>();
  if (mode == "copy" || mode == "raw") {
    var tbl = Environment.GetEnvironmentVariable("PTABLE") ?? "DiaSourcePacked";
    var lo = string.Join(",", ranges.Select(r => r.Start)); var hi = string.Join(",", ranges.Select(r => r.End));
    var csql = $"COPY (SELECT p.packed FROM unnest(ARRAY[{lo}]::bigint[], ARRAY[{hi}]::bigint[]) AS r(lo, hi) JOIN \"{tbl}\" p ON p.\"pixelId\" >= r.lo AND p.\"pixelId\" < r.hi WHERE p.\"midpointMjdTai\" > {visit.MidpointMjdTai - 360}) TO '/dev/null' (FORMAT binary)";
    if (mode == "copy") {
    await using var cc = new NpgsqlCommand(csql, conn);
    rows += await cc.ExecuteNonQueryAsync(); loops++;
    } else {
      csql = csql.Replace("TO '/dev/null'", "TO STDOUT");
      await using var raw = await conn.BeginRawBinaryCopyAsync(csql);
      var big = new byte[65536]; int have = 0, got; long n = 0;
      while ((got = await raw.ReadAsync(big, have, big.Length - have)) > 0) {
        have += got; int pos = 0;
        if (n == 0 && pos == 0 && have >= 19) { pos = 19; n = -1; }
        while (true) {
          if (have - pos < 2) break;
          short fc = System.Buffers.Binary.BinaryPrimitives.ReadInt16BigEndian(big.AsSpan(pos));
          if (fc == -1) { pos += 2; break; }
          if (have - pos < 6) break;
          int len = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(big.AsSpan(pos + 2));
          if (have - pos < 6 + len) break;
          var d = PMODE2 == "decode" ? PackedRows.ReadDiaSource(big.AsSpan(pos + 6, len)) : null;
          if (d != null) list.Add(d);
          pos += 6 + len; rows++;
        }
        Buffer.BlockCopy(big, pos, big, 0, have - pos); have -= pos;
      }
      loops++;
    }
    continue;
  }
  await using var cmd = new NpgsqlCommand(mode.StartsWith("agg") ? Sql.Replace("SELECT p.packed", "SELECT string_agg(p.packed, ''::bytea)") : Sql, conn);
  cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ranges.Select(r => r.Start).ToArray() });
  cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ranges.Select(r => r.End).ToArray() });
  cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = visit.MidpointMjdTai - 360 });
  await cmd.PrepareAsync();
  long cnt = 0;
  if (mode == "sync") { using var rs = cmd.ExecuteReader(); while (rs.Read()) { var n = (int)rs.GetBytes(0, 0, null, 0, 0); if (n > buffer.Length) buffer = new byte[2*n]; rs.GetBytes(0, 0, buffer, 0, n); list.Add(PackedRows.ReadDiaSource(buffer.AsSpan(0, n))); cnt++; } rows += cnt; loops++; continue; }
  await using var r = await cmd.ExecuteReaderAsync();
  if (mode == "decode") {
    while (await r.ReadAsync()) { var n = (int)r.GetBytes(0, 0, null, 0, 0); if (n > buffer.Length) buffer = new byte[2*n]; r.GetBytes(0, 0, buffer, 0, n); list.Add(PackedRows.ReadDiaSource(buffer.AsSpan(0, n))); }
    cnt = list.Count;
  } else if (mode == "transient") {
    double acc = 0;
    while (await r.ReadAsync()) { var n = (int)r.GetBytes(0, 0, null, 0, 0); if (n > buffer.Length) buffer = new byte[2*n]; r.GetBytes(0, 0, buffer, 0, n); acc += PackedRows.ReadDiaSource(buffer.AsSpan(0, n)).Ra; cnt++; }
  } else if (mode == "bytes") {
    var arena = new List<byte[]>();
    while (await r.ReadAsync()) { var n = (int)r.GetBytes(0, 0, null, 0, 0); var b = new byte[n]; r.GetBytes(0, 0, b, 0, n); arena.Add(b); cnt++; }
  } else if (mode == "agg") {
    while (await r.ReadAsync()) { var n = (int)r.GetBytes(0, 0, null, 0, 0); if (n > buffer.Length) buffer = new byte[2*n]; r.GetBytes(0, 0, buffer, 0, n); cnt += n / 500; }
  } else {
    while (await r.ReadAsync()) { cnt++; }
  }
  rows += cnt; loops++;
}
proc.Refresh();
Console.WriteLine($"{mode}: loops {loops} rows {rows} wall {sw.Elapsed.TotalSeconds:F2}s clientcpu {(proc.TotalProcessorTime-cpu0).TotalSeconds:F2}s us/row wall {sw.Elapsed.TotalSeconds/rows*1e6:F3} cpu {(proc.TotalProcessorTime-cpu0).TotalSeconds/rows*1e6:F3}");
