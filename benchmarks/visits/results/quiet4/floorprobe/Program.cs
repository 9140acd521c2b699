using System.Globalization;
using System.Text;
// The bench's floor measure (preload of one region against the server's COPY of its rows), over N detectors, alternating order.
var (ds, survey, pipeline, visit) = await Probe.OpenAsync(Environment.GetEnvironmentVariable("PHOME") ?? "/tmp/bvq");
var n = int.Parse(Environment.GetEnvironmentVariable("PN") ?? "30");
var dets = survey.DetectorsOnRegion(visit, 189).Take(n).ToList();
if (Environment.GetEnvironmentVariable("PSPLIT") == "1") {
  var store = new ApdbStore(ds);
  double[] cc = new double[3], rr = new double[3]; long[] nn = new long[3];
  for (var rep = 0; rep < 2; rep++) foreach (var d in dets) {
    var region = pipeline.PreloadRegion(visit, d); var q = CopyQueries(region, visit.MidpointMjdTai - 360);
    for (var t = 0; t < 3; t++) {
      var c0 = Stopwatch.StartNew(); await CopyAsync([q[t]]); var cs0 = c0.Elapsed.TotalSeconds;
      c0.Restart(); long k = t == 0 ? (await store.GetDiaObjectsAsync(region)).Count : t == 1 ? (await store.GetDiaSourcesAsync(region, visit.MidpointMjdTai)).Count : (await store.GetDiaForcedSourcesAsync(region, visit.MidpointMjdTai)).Count;
      var r0 = c0.Elapsed.TotalSeconds;
      if (rep == 1) { cc[t] += cs0; rr[t] += r0; nn[t] += k; }
    }
  }
  for (var t = 0; t < 3; t++) Console.WriteLine($"table {t}: rows/det {nn[t]/dets.Count} copy {cc[t]*1e6/nn[t]:F2} us/row read {rr[t]*1e6/nn[t]:F2} us/row ratio {rr[t]/cc[t]:F3}");
  return;
}
var ratios = new List<double>(); double sumCopy = 0, sumRead = 0; long rows = 0;
for (var rep = 0; rep < 2; rep++)
foreach (var d in dets) {
  var region = pipeline.PreloadRegion(visit, d);
  var q = CopyQueries(region, visit.MidpointMjdTai - 360);
  double copy; double read; DiaPreload p;
  if (((d + rep) & 1) == 0) { copy = await CopyAsync(q); var c = Stopwatch.StartNew(); p = await pipeline.PreloadAsync(region, visit.MidpointMjdTai); read = c.Elapsed.TotalSeconds; }
  else { var c = Stopwatch.StartNew(); p = await pipeline.PreloadAsync(region, visit.MidpointMjdTai); read = c.Elapsed.TotalSeconds; copy = await CopyAsync(q); }
  if (rep == 0) continue;
  ratios.Add(read / copy); sumCopy += copy; sumRead += read; rows += p.Objects.Count + p.Sources.Count + p.ForcedSources.Count;
}
ratios.Sort();
Console.WriteLine($"{Environment.GetEnvironmentVariable("PTAG")}: median ratio {ratios[ratios.Count/2]:F3}  sum ratio {sumRead/sumCopy:F3}  copy {sumCopy*1e6/rows:F2} us/row read {sumRead*1e6/rows:F2} us/row");

async Task<double> CopyAsync(string[] queries) {
  var clock = Stopwatch.StartNew();
  await Task.WhenAll(queries.Select(async sql => { await using var command = ds.CreateCommand(sql); await command.ExecuteNonQueryAsync(); }));
  return clock.Elapsed.TotalSeconds;
}
static string[] CopyQueries(Apdb.Sky.ISkyRegion region, double windowStart) {
  var ranges = new StringBuilder();
  foreach (var range in region.Coverage().Ranges) ranges.Append(ranges.Length == 0 ? string.Empty : " OR ").Append(CultureInfo.InvariantCulture, $"(\"pixelId\" >= {range.Start} AND \"pixelId\" < {range.End})");
  var where = ranges.ToString(); var start = windowStart.ToString("R", CultureInfo.InvariantCulture);
  return [ Copy("DiaObjectLast", DiaObjectLast.ColumnNames, where), Copy("DiaSource", DiaSource.ColumnNames, $"\"midpointMjdTai\" > {start} AND ({where})"), Copy("DiaForcedSource", DiaForcedSource.ColumnNames, $"\"midpointMjdTai\" > {start} AND ({where})") ];
}
static string Copy(string table, IReadOnlyList<string> columns, string where) => $"COPY (SELECT {string.Join(", ", columns.Select(c => $"\"{c}\""))} FROM \"{table}\" WHERE {where}) TO '/dev/null' (FORMAT binary)";
