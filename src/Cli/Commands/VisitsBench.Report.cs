using System.Globalization;
using Apdb.Cli.Tables;
using Apdb.Pipeline;
using Apdb.Simulation;
using Apdb.Sky;
using ScottPlot;

namespace Apdb.Cli.Commands;

internal sealed partial class VisitsBench
{
    private static readonly double[] Percents = [50, 95, 99];

    private static IEnumerable<CatalogVisitWork.Outcome> Stored(VisitRecord r) => r.Outcomes.Where(o => o.Error is null);

    /// <summary>One row a visit.</summary>
    private static OutputTable VisitsTable(List<VisitRecord> records)
    {
        T[] Map<T>(Func<VisitRecord, T> value) => [.. records.Select(value)];
        long Sum(VisitRecord r, Func<CatalogVisitWork.Outcome, long> value) => Stored(r).Sum(value);
        double P(VisitRecord r, Func<CatalogVisitWork.Outcome, double> value, double percent) => Selection.Percentile(Stored(r).Select(value), percent);
        var table = new OutputTable()
            .Add("visitNumber", Map(r => r.Number), description: "visit of this run, from 1")
            .Add("visit", Map(r => r.Visit.VisitId), description: "visit id")
            .Add("visitMjdTai", Map(r => r.Visit.MidpointMjdTai), "d", "visit midpoint, MJD TAI")
            .Add("detectorVisits", Map(r => r.Outcomes.Length), description: "detector-visits run")
            .Add("errors", Map(r => r.Outcomes.Count(o => o.Error is not null)), description: "detector-visits that failed")
            .Add("cachesDropped", Map(r => r.CachesDropped), description: "OS page cache dropped before the visit")
            .Add("wallSeconds", Map(r => r.WallSeconds), "s", "the whole visit, first preload to last store")
            .Add("clientCpuSeconds", Map(r => r.Cpu.Client), "s", "CPU seconds of the bench's process (its clients) during the visit")
            .Add("serverCpuSeconds", Map(r => r.Cpu.Server ?? double.NaN), "s", "CPU seconds of the PostgreSQL server's processes during the visit (NaN: not measurable here)")
            .Add("machineCpuSeconds", Map(r => r.Cpu.Machine ?? double.NaN), "s", "busy CPU seconds of the whole machine during the visit (NaN: no /proc/stat)");
        foreach (var (name, value) in Timings())
        {
            foreach (var percent in Percents)
            {
                table.Add(string.Create(CultureInfo.InvariantCulture, $"{name}P{percent}"), Map(r => P(r, value, percent)), "s",
                    string.Create(CultureInfo.InvariantCulture, $"{percent}th percentile over the visit's detector-visits"));
            }
        }

        return table
            .Add("readSecondsSum", Map(r => Stored(r).Sum(o => o.ReadSeconds)), "s", "preload seconds summed over the detector-visits")
            .Add("writeSecondsSum", Map(r => Stored(r).Sum(o => o.WriteSeconds)), "s", "store seconds summed over the detector-visits")
            .Add("readDiaObjects", Map(r => Sum(r, o => o.Counts!.Value.PreloadedObjects)), description: "DiaObjects preloaded")
            .Add("readDiaSources", Map(r => Sum(r, o => o.Counts!.Value.PreloadedSources)), description: "DiaSources preloaded")
            .Add("readDiaForcedSources", Map(r => Sum(r, o => o.Counts!.Value.PreloadedForcedSources)), description: "DiaForcedSources preloaded")
            .Add("writtenDiaObjects", Map(r => Sum(r, o => o.Store!.DiaObjects)), description: "DiaObject versions stored")
            .Add("writtenDiaSources", Map(r => Sum(r, o => o.Store!.DiaSources)), description: "DiaSources stored")
            .Add("writtenDiaForcedSources", Map(r => Sum(r, o => o.Store!.DiaForcedSources)), description: "DiaForcedSources stored")
            .Add("floorDetector", Map(r => r.Floor?.Detector ?? -1), description: "detector whose region the server floor was measured on (-1: not measured)")
            .Add("floorCopySeconds", Map(r => r.Floor?.CopySeconds ?? double.NaN), "s", "the server's COPY TO /dev/null of that preload, after the visit")
            .Add("floorReadSeconds", Map(r => r.Floor?.ReadSeconds ?? double.NaN), "s", "DiaPipe's preload of the same region, after the visit");
    }

    /// <summary>One row a detector-visit.</summary>
    private static OutputTable DetectorVisitsTable(List<VisitRecord> records)
    {
        var rows = records.SelectMany(r => r.Outcomes.Select(o => (Record: r, Outcome: o))).ToList();
        T[] Map<T>(Func<(VisitRecord Record, CatalogVisitWork.Outcome Outcome), T> value) => [.. rows.Select(value)];
        return new OutputTable()
            .Add("visitNumber", Map(x => x.Record.Number), description: "visit of this run, from 1")
            .Add("visit", Map(x => x.Record.Visit.VisitId), description: "visit id")
            .Add("detector", Map(x => x.Outcome.Detector), description: "detector")
            .Add("readSeconds", Map(x => x.Outcome.ReadSeconds), "s", "preload of the padded detector region")
            .Add("writeSeconds", Map(x => x.Outcome.WriteSeconds), "s", "transactional store")
            .Add("totalSeconds", Map(x => x.Outcome.TotalSeconds), "s", "the detector-visit: preload, association, summaries, store")
            .Add("readDiaObjects", Map(x => (long)(x.Outcome.Counts?.PreloadedObjects ?? 0)), description: "DiaObjects preloaded")
            .Add("readDiaSources", Map(x => (long)(x.Outcome.Counts?.PreloadedSources ?? 0)), description: "DiaSources preloaded")
            .Add("readDiaForcedSources", Map(x => (long)(x.Outcome.Counts?.PreloadedForcedSources ?? 0)), description: "DiaForcedSources preloaded")
            .Add("writtenDiaObjects", Map(x => (long)(x.Outcome.Store?.DiaObjects ?? 0)), description: "DiaObject versions stored")
            .Add("writtenDiaSources", Map(x => (long)(x.Outcome.Store?.DiaSources ?? 0)), description: "DiaSources stored")
            .Add("writtenDiaForcedSources", Map(x => (long)(x.Outcome.Store?.DiaForcedSources ?? 0)), description: "DiaForcedSources stored")
            .Add("error", Map(x => x.Outcome.Error is { } e ? UserText.EscapeControl(e.Message) : string.Empty), description: "why the detector-visit failed (empty: it did not)");
    }

    private static (string Name, Func<CatalogVisitWork.Outcome, double> Value)[] Timings() =>
        [("readSeconds", o => o.ReadSeconds), ("writeSeconds", o => o.WriteSeconds), ("totalSeconds", o => o.TotalSeconds)];

    /// <summary>
    /// One visit as CONTRACTS.md lists it: <c>months</c> of history at the visit, its wall seconds, and the median read
    /// and write and the p50/p95/p99 whole seconds over its stored detector-visits (null when none was stored).
    /// </summary>
    private static object VisitSummary(LoadedSurvey survey, VisitRecord r)
    {
        var stored = Stored(r).ToList();
        double? P(Func<CatalogVisitWork.Outcome, double> value, double percent) =>
            stored.Count == 0 ? null : Math.Round(Selection.Percentile(stored.Select(value), percent), 6);
        return new
        {
            visit = r.Visit.VisitId,
            months = Math.Round((r.Visit.MidpointMjdTai - survey.Cadence.StartMjd) / Cadence.DaysPerMonth, 3),
            wallSeconds = Math.Round(r.WallSeconds, 4),
            readSeconds = P(o => o.ReadSeconds, 50),
            writeSeconds = P(o => o.WriteSeconds, 50),
            p50DetectorSeconds = P(o => o.TotalSeconds, 50),
            p95DetectorSeconds = P(o => o.TotalSeconds, 95),
            p99DetectorSeconds = P(o => o.TotalSeconds, 99),
        };
    }

    private object Summary(LoadedSurvey survey, List<VisitRecord> records, Checks checks, ColdCache? cold, ServerFloorProbe floor, CpuAccount cpu, long peakRss)
    {
        var stored = records.SelectMany(Stored).ToList();
        Dictionary<string, double> Percentiles(Func<CatalogVisitWork.Outcome, double> value) =>
            Percents.ToDictionary(p => string.Create(CultureInfo.InvariantCulture, $"p{p}"), p => Math.Round(Selection.Percentile(stored.Select(value), p), 6));
        long Total(Func<CatalogVisitWork.Outcome, long> value) => stored.Sum(value);
        var floors = records.Where(r => r.Floor is not null).Select(r => r.Floor!).ToList();
        var walls = records.Select(r => r.WallSeconds).ToList();
        return new
        {
            preset = survey.Preset.Name,
            months = survey.Months,
            seed = survey.Seed,
            visitCount = records.Count,
            visits = records.Select(r => VisitSummary(survey, r)).ToList(),
            duplicateDiaObjects = checks.DiaObjectsWithTwoOpenVersions,
            firstVisit = records[0].Visit.VisitId,
            lastVisit = records[^1].Visit.VisitId,
            detectorsPerVisit = _options.Detectors,
            clients = _options.Clients,
            coldCache = cold is null ? "off" : cold.Available && records.All(r => r.CachesDropped) ? "OS page cache dropped before each visit (PostgreSQL's shared buffers kept)" : $"unavailable: {cold.Reason}",
            method = "the next visits after the last stored one; each visit's detectors on the region by K concurrent clients through one pool; each client preloads the padded detector region and stores DiaPipe's catalog-level rows in one transaction",
            detectorVisits = records.Sum(r => r.Outcomes.Length),
            errors = records.Sum(r => r.Outcomes.Count(o => o.Error is not null)),
            wallSeconds = new
            {
                median = Math.Round(Selection.Median(walls), 4),
                p99 = Math.Round(Selection.Percentile(walls, 99), 4),
                min = Math.Round(walls.Min(), 4),
                max = Math.Round(walls.Max(), 4),
                total = Math.Round(walls.Sum(), 3),
                medianPer189Detectors = Math.Round(Selection.Median(records.Select(r => r.WallSeconds * CameraLayout.DetectorCount / r.Outcomes.Length)), 4),
            },
            cpuSeconds = CpuSummary(records, cpu),
            perDetectorVisit = new
            {
                readSeconds = Percentiles(o => o.ReadSeconds),
                writeSeconds = Percentiles(o => o.WriteSeconds),
                totalSeconds = Percentiles(o => o.TotalSeconds),
            },
            rowsRead = new
            {
                diaObjects = Total(o => o.Counts!.Value.PreloadedObjects),
                diaSources = Total(o => o.Counts!.Value.PreloadedSources),
                diaForcedSources = Total(o => o.Counts!.Value.PreloadedForcedSources),
            },
            rowsWritten = new
            {
                diaObjects = Total(o => o.Store!.DiaObjects),
                diaSources = Total(o => o.Store!.DiaSources),
                diaForcedSources = Total(o => o.Store!.DiaForcedSources),
            },
            serverFloor = floors.Count == 0
                ? (object)$"unavailable: {floor.Unavailable ?? "not measured"}"
                : new
                {
                    method = "after each visit, on the quiet server: the visit's most populated detector's three preload queries as COPY (SELECT every column ...) TO '/dev/null' (FORMAT binary), and DiaPipe's preload of the same region; the two alternate in order",
                    detectorVisits = floors.Count,
                    copySecondsMedian = Math.Round(Selection.Median(floors.Select(f => f.CopySeconds)), 6),
                    readSecondsMedian = Math.Round(Selection.Median(floors.Select(f => f.ReadSeconds)), 6),
                    rowsMedian = Selection.Median(floors.Select(f => (double)f.Rows)),
                    readOverCopyMedian = Math.Round(Selection.Median(floors.Select(f => f.ReadSeconds / f.CopySeconds)), 4),
                },
            peakRssBytes = peakRss,
            checks = new
            {
                passed = checks.Passed,
                diaObjectsWithTwoOpenVersions = checks.DiaObjectsWithTwoOpenVersions,
                diaObjectLastMismatches = checks.DiaObjectLastMismatches,
                duplicateDiaSourceIds = checks.DuplicateDiaSourceIds,
                registryMismatches = checks.RegistryMismatches,
                packedMismatches = checks.PackedMismatches,
                registeredDetectorVisits = checks.RegisteredDetectorVisits,
                storedDetectorVisits = checks.StoredDetectorVisits,
            },
            machine = new { processors = Environment.ProcessorCount, loadAverage = LoadAverage() },
        };
    }

    /// <summary>Medians over the visits of the CPU seconds a visit cost the clients, the server and the machine, and the server's scaled to the whole camera.</summary>
    private static object CpuSummary(List<VisitRecord> records, CpuAccount cpu)
    {
        double? Median(Func<VisitRecord, double?> value) =>
            records.All(r => value(r).HasValue) ? Math.Round(Selection.Median(records.Select(r => value(r)!.Value)), 3) : null;
        return new
        {
            method = "per visit, from the first preload to the last store: this process's CPU time (the clients), the server's processes from /proc (the postmaster, its children and its exited children), and the machine's busy time from /proc/stat",
            clientMedian = Median(r => r.Cpu.Client),
            serverMedian = Median(r => r.Cpu.Server),
            machineMedian = Median(r => r.Cpu.Machine),
            serverMedianPer189Detectors = Median(r => r.Cpu.Server * CameraLayout.DetectorCount / r.Outcomes.Length),
            clientMedianPer189Detectors = Median(r => r.Cpu.Client * CameraLayout.DetectorCount / r.Outcomes.Length),
            serverUnavailable = cpu.ServerUnavailable,
        };
    }

    /// <summary>The 1, 5 and 15-minute load averages at the end of the run (null where /proc/loadavg is not).</summary>
    private static double[]? LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return [.. parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture))];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private void Write(LoadedSurvey survey, List<VisitRecord> records, Checks checks, ColdCache? cold, ServerFloorProbe floor, CpuAccount cpu, long peakRss)
    {
        var dir = _options.OutDir;
        Directory.CreateDirectory(dir);
        TableFile.Write(Path.Combine(dir, "visits" + _options.TableExtension), VisitsTable(records), "--table-format");
        TableFile.Write(Path.Combine(dir, "detector_visits" + _options.TableExtension), DetectorVisitsTable(records), "--table-format");
        var summary = Summary(survey, records, checks, cold, floor, cpu, peakRss);
        var text = RunCommand.Serialize(summary);
        AtomicFile.Write(Path.Combine(dir, "visits.json"), stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)));
        SavePlot(Path.Combine(dir, "visits.png"), survey, records);
        if (_context.Json)
        {
            _context.WriteJson(summary);
            return;
        }

        var stored = records.SelectMany(Stored).ToList();
        string Ms(Func<CatalogVisitWork.Outcome, double> value, double p) => (1000 * Selection.Percentile(stored.Select(value), p)).ToString("F1", CultureInfo.InvariantCulture);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{records.Count} visits of {survey.Preset.Name} after {survey.Months} months, {records.Sum(r => r.Outcomes.Length)} detector-visits, {_options.Clients} clients: whole visit {Selection.Median(records.Select(r => r.WallSeconds)):F2} s (median)"));
        Console.WriteLine($"per detector-visit p50/p99: read {Ms(o => o.ReadSeconds, 50)}/{Ms(o => o.ReadSeconds, 99)} ms, write {Ms(o => o.WriteSeconds, 50)}/{Ms(o => o.WriteSeconds, 99)} ms, total {Ms(o => o.TotalSeconds, 50)}/{Ms(o => o.TotalSeconds, 99)} ms");
        Console.WriteLine(CpuLine(records, cpu));
        if (records.Any(r => r.Floor is not null))
        {
            var floors = records.Where(r => r.Floor is not null).Select(r => r.Floor!).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"server floor of one detector's preload (quiet, median of {floors.Count}): COPY to /dev/null {1000 * Selection.Median(floors.Select(f => f.CopySeconds)):F1} ms, DiaPipe's preload {1000 * Selection.Median(floors.Select(f => f.ReadSeconds)):F1} ms ({Selection.Median(floors.Select(f => f.ReadSeconds / f.CopySeconds)):F2}x)"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"errors {records.Sum(r => r.Outcomes.Count(o => o.Error is not null))}; checks {(checks.Passed ? "passed" : string.Join("; ", checks.Violations))}; peak RSS {peakRss / (1024.0 * 1024.0):F0} MiB"));
        Console.WriteLine($"wrote {Path.Combine(dir, "visits" + _options.TableExtension)}, detector_visits{_options.TableExtension}, visits.json, visits.png");
    }

    private static string CpuLine(List<VisitRecord> records, CpuAccount cpu)
    {
        var client = Selection.Median(records.Select(r => r.Cpu.Client));
        var server = records.All(r => r.Cpu.Server.HasValue)
            ? string.Create(CultureInfo.InvariantCulture, $"server {Selection.Median(records.Select(r => r.Cpu.Server!.Value)):F2} s")
            : $"server not measured ({cpu.ServerUnavailable ?? "unreadable during the run"})";
        return string.Create(CultureInfo.InvariantCulture, $"CPU a visit (median): clients {client:F2} s, {server}");
    }

    /// <summary>DMTN-113's per-visit curves: per detector-visit select (preload) and insert (store) against visit number, and the whole visit on the right.</summary>
    private void SavePlot(string path, LoadedSurvey survey, List<VisitRecord> records)
    {
        var plot = new Plot();
        var xs = records.Select(r => (double)r.Number).ToArray();
        double[] Ms(Func<CatalogVisitWork.Outcome, double> value, double percent) =>
            [.. records.Select(r => 1000 * Selection.Percentile(Stored(r).Select(value), percent))];
        Series(plot, xs, Ms(o => o.ReadSeconds, 50), "select (preload), median", new Color(31, 119, 180), LinePattern.Solid);
        Series(plot, xs, Ms(o => o.ReadSeconds, 99), "select (preload), p99", new Color(31, 119, 180), LinePattern.Dashed);
        Series(plot, xs, Ms(o => o.WriteSeconds, 50), "insert (store), median", new Color(214, 39, 40), LinePattern.Solid);
        Series(plot, xs, Ms(o => o.WriteSeconds, 99), "insert (store), p99", new Color(214, 39, 40), LinePattern.Dashed);
        var wall = Series(plot, xs, [.. records.Select(r => r.WallSeconds)], "whole visit (right axis)", new Color(60, 60, 60), LinePattern.Solid);
        wall.Axes.YAxis = plot.Axes.Right;
        plot.Title(string.Create(CultureInfo.InvariantCulture,
            $"bench visits: {survey.Preset.Name} after {survey.Months} months, {records.Max(r => r.Outcomes.Length)} detectors a visit, {_options.Clients} clients"));
        plot.XLabel("visit number (this run)");
        plot.YLabel("ms per detector-visit");
        plot.Axes.Right.Label.Text = "seconds per visit (all detectors)";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        var top = records.SelectMany(Stored).Select(o => 1000 * Math.Max(o.ReadSeconds, o.WriteSeconds)).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, 1.3 * top);
        plot.Axes.SetLimitsY(0, 1.3 * records.Max(r => r.WallSeconds), plot.Axes.Right);
        plot.Axes.SetLimitsX(0.5, records.Count + 0.5);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 1000, 600);
    }

    private static ScottPlot.Plottables.Scatter Series(Plot plot, double[] xs, double[] ys, string label, Color color, LinePattern pattern)
    {
        var s = plot.Add.Scatter(xs, ys);
        s.LegendText = label;
        s.Color = color;
        s.LineWidth = 2;
        s.MarkerSize = 6;
        s.LinePattern = pattern;
        return s;
    }
}
