// A throwaway probe: the DiaSourcePacked region read of 40 detectors in a loop for PSECS seconds, with the client's
// and the whole machine's CPU (the server's is the machine's less the client's on a quiet machine). PMODE:
// decode (as the store does), read (rows only), rangeagg (one value a pixel range: the range's packed rows, each after
// its 4-byte length, concatenated by the server; decoded here), copy (the server-side COPY to /dev/null).
var home = Environment.GetEnvironmentVariable("PHOME") ?? "/tmp/bvq";
var (ds0, survey, pipeline, visit) = await Probe.OpenAsync(home);
await using var ds = NpgsqlDataSource.Create(Probe.ConnectionString(home));
var regions = survey.DetectorsOnRegion(visit, 189).Take(40).Select(d => pipeline.PreloadRegion(visit, d).Coverage().Ranges).ToList();
var mode = Environment.GetEnvironmentVariable("PMODE") ?? "decode";
var table = Environment.GetEnvironmentVariable("PTABLE") ?? "DiaSourcePacked";
var secs = double.Parse(Environment.GetEnvironmentVariable("PSECS") ?? "8");
var sql = mode == "rangeagg"
    ? $"SELECT (SELECT string_agg(int4send(octet_length(p.packed)) || p.packed, ''::bytea) FROM \"{table}\" p WHERE p.\"pixelId\" >= r.lo AND p.\"pixelId\" < r.hi AND p.\"midpointMjdTai\" > $3) FROM unnest($1, $2) AS r(lo, hi)"
    : $"SELECT p.packed FROM unnest($1, $2) AS r(lo, hi) JOIN \"{table}\" p ON p.\"pixelId\" >= r.lo AND p.\"pixelId\" < r.hi WHERE p.\"midpointMjdTai\" > $3";
static long Busy() { var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries); return long.Parse(f[1]) + long.Parse(f[2]) + long.Parse(f[3]) + long.Parse(f[6]) + long.Parse(f[7]) + long.Parse(f[8]); }
Func<ReadOnlySpan<byte>, object> decodeRow = table == "DiaSourcePacked" ? b => PackedRows.ReadDiaSource(b) : b => PackedRows.ReadDiaForcedSource(b);
var sw = Stopwatch.StartNew(); long rows = 0; var proc = Process.GetCurrentProcess(); proc.Refresh(); var cpu0 = proc.TotalProcessorTime; var busy0 = Busy();
var buffer = new byte[1 << 20]; long loops = 0;
while (sw.Elapsed.TotalSeconds < secs)
foreach (var ranges in regions) {
  await using var conn = await ds.OpenConnectionAsync();
  var list = new List<object>();
  if (mode == "copy") {
    var lo = string.Join(",", ranges.Select(r => r.Start)); var hi = string.Join(",", ranges.Select(r => r.End));
    var csql = $"COPY (SELECT p.packed FROM unnest(ARRAY[{lo}]::bigint[], ARRAY[{hi}]::bigint[]) AS r(lo, hi) JOIN \"{table}\" p ON p.\"pixelId\" >= r.lo AND p.\"pixelId\" < r.hi WHERE p.\"midpointMjdTai\" > {visit.MidpointMjdTai - 360}) TO '/dev/null' (FORMAT binary)";
    await using var cc = new NpgsqlCommand(csql, conn);
    rows += await cc.ExecuteNonQueryAsync(); loops++;
    continue;
  }
  await using var cmd = new NpgsqlCommand(sql, conn);
  cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ranges.Select(r => r.Start).ToArray() });
  cmd.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = ranges.Select(r => r.End).ToArray() });
  cmd.Parameters.Add(new NpgsqlParameter<double> { TypedValue = visit.MidpointMjdTai - 360 });
  await cmd.PrepareAsync();
  await using var r = await cmd.ExecuteReaderAsync();
  if (mode == "decode") {
    while (await r.ReadAsync()) { var n = (int)r.GetBytes(0, 0, null, 0, 0); if (n > buffer.Length) buffer = new byte[2*n]; r.GetBytes(0, 0, buffer, 0, n); list.Add(decodeRow(buffer.AsSpan(0, n))); }
  } else if (mode == "rangeagg") {
    while (await r.ReadAsync()) {
      if (r.IsDBNull(0)) continue;
      var n = (int)r.GetBytes(0, 0, null, 0, 0); if (n > buffer.Length) buffer = new byte[2*n]; r.GetBytes(0, 0, buffer, 0, n);
      var pos = 0;
      while (pos < n) { var len = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(pos)); list.Add(decodeRow(buffer.AsSpan(pos + 4, len))); pos += 4 + len; }
    }
  } else {
    while (await r.ReadAsync()) { list.Add(list); }
  }
  rows += list.Count; loops++;
}
proc.Refresh(); var busy = (Busy() - busy0) / 100.0; var client = (proc.TotalProcessorTime - cpu0).TotalSeconds;
Console.WriteLine($"{mode} {table}: loops {loops} rows {rows} us/row wall {sw.Elapsed.TotalSeconds/rows*1e6:F3} client {client/rows*1e6:F3} rest-of-machine {(busy-client)/rows*1e6:F3}");
