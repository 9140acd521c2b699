using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Apdb.Cli.Tables;
using Apdb.Pipeline.DiaPipe;
using Apdb.Pipeline;
using Apdb.History;
using Apdb.Schema;
using Apdb.Simulation;
using Apdb.Sky;
using Npgsql;
using ScottPlot;

namespace Apdb.Cli.Commands;

/// <summary>
/// <c>bench history-depth</c>: the per detector-visit APDB cost against the depth of the history (Rubin's DMTN-113
/// question). Database only, no images. At each depth the history is loaded afresh (same preset and seed, a separate
/// load per depth, in a database of the bench's own so the APDB is untouched), then N detector-visits that follow it
/// run through DiaPipe's database work in time order, one at a time: the preload of the padded detector region (the
/// read) and the transactional store (the write), with rows from the simulation's catalog-level measurement of the new
/// visits (<see cref="HistoryGenerator"/>, the generator the history itself comes from) associated by DiaPipe.
/// </summary>
/// <remarks>
/// Separate loads rather than one growing load: each depth is then exactly what a survey of that age holds (indexes
/// built and analysed once, as after a load), and the depths do not inherit each other's new visits. Medians over the
/// N detector-visits are reported, so one cold read does not move the point.
/// The bench settles each load before it measures: a full ANALYZE, timed apart. The load analyses only the columns
/// the reads filter on, and PostgreSQL resets a table's count of changes since its last analysis only after an ANALYZE
/// of every column, so without this autovacuum analyses every new partition in full during the first minute and the
/// measurement would time that.
/// </remarks>
internal sealed class HistoryDepthBench
{
    private const string BenchDatabase = "apdb_bench_history_depth";

    private readonly Options _options;
    private readonly CliContext _context;

    public HistoryDepthBench(Options options, CliContext context)
    {
        _options = options;
        _context = context;
    }

    internal sealed record Options(SkyPreset Preset, int[] Months, int VisitsPerStep, long Seed, string OutDir, string TableExtension = ".csv");

    internal sealed record Point(
        int Months, int HistoryVisits, int DetectorVisits, double ReadSeconds, double WriteSeconds,
        Dictionary<string, double> Rows, Dictionary<string, long> ApdbRows, double LoadSeconds, double SettleSeconds, FullVisit? Full);

    /// <summary>Every detector of one visit on the region, preloaded and stored by concurrent clients: wall seconds.</summary>
    internal sealed record FullVisit(long Visit, int Detectors, int Clients, double WallSeconds);

    /// <summary>Concurrent clients for the whole-visit measurement (one per detector process in Rubin; bounded here by the 2-core server).</summary>
    internal const int FullVisitClients = 8;

    public static Command CreateCommand()
    {
        var preset = new Option<string>("--preset") { Description = "Sky region: tiny, demo or fov", DefaultValueFactory = _ => "demo" };
        var months = new Option<string>("--months") { Description = "History depths in months (30 days), comma-separated, each 1-21", DefaultValueFactory = _ => "1,3,6,12" };
        var perStep = new Option<int>("--visits-per-step") { Description = "Detector-visits measured at each depth (1-1000)", DefaultValueFactory = _ => 20 };
        var seed = new Option<long>("--seed") { Description = "Seed of the simulated sky", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Directory for history-depth.csv (see --table-format), history-depth.json, history-depth.png", Required = true };
        var tableFormat = BenchCommands.TableFormatOption();
        var command = new Command("history-depth", "Per detector-visit APDB read and write time against history depth (database only, in a database of its own)")
        {
            preset, months, perStep, seed, output, tableFormat,
        };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var sky = SkyPreset.Find(parse.GetValue(preset))
                ?? throw new ApdbUserException($"bench history-depth: unknown preset {UserText.Quote(parse.GetValue(preset))} (expected {string.Join(", ", SkyPreset.All.Select(p => p.Name))})");
            if (sky.IsTiled)
            {
                throw new ApdbUserException($"bench history-depth: --preset {sky.Name} is too large for this bench, which loads a history per depth; load it once (`apdb load-history --preset {sky.Name}`) and run `apdb bench visits --preset {sky.Name}`");
            }

            var depths = ParseMonths(parse.GetValue(months)!);
            var n = parse.GetValue(perStep);
            if (n is < 1 or > 1000)
            {
                throw new ApdbUserException($"bench history-depth: --visits-per-step {n} is outside 1-1000");
            }

            var outDir = parse.GetValue(output)!;
            var extension = BenchCommands.TableExtension(parse.GetValue(tableFormat)!);
            if (File.Exists(outDir))
            {
                throw new ApdbUserException($"bench history-depth: --out {outDir} is a file; give a directory");
            }

            return await new HistoryDepthBench(new Options(sky, depths, n, parse.GetValue(seed), outDir, extension), context).RunAsync(ct);
        });
        return command;
    }

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var main = await _context.GetDataSourceAsync(ct);
        var benchConnection = await CreateBenchDatabaseAsync(main, ct);
        var points = new List<Point>();
        try
        {
            await using var dataSource = await ApdbConnector.ConnectAsync(benchConnection, ct);
            await SchemaMigrator.MigrateAsync(dataSource, cancellationToken: ct);
            foreach (var months in _options.Months)
            {
                if (!_context.Json)
                {
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"history-depth: loading {months} month(s) of {_options.Preset.Name} history..."));
                }

                points.Add(await MeasureAsync(dataSource, months, ct));
                if (!_context.Json)
                {
                    var p = points[^1];
                    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"history-depth: {months} month(s), {p.HistoryVisits} history visits: read {1000 * p.ReadSeconds:F1} ms, write {1000 * p.WriteSeconds:F1} ms per detector-visit (median of {p.DetectorVisits})"));
                }
            }
        }
        finally
        {
            await DropBenchDatabaseAsync(main, CancellationToken.None);
        }

        Write(points);
        return CommandRunner.Success;
    }

    private async Task<Point> MeasureAsync(NpgsqlDataSource dataSource, int months, CancellationToken ct)
    {
        var load = await HistoryLoader.LoadAsync(dataSource, _options.Preset.Name, months, _options.Seed, replace: true, null, ct);
        var settle = await SettleAsync(dataSource, ct);
        var survey = new LoadedSurvey(_options.Preset, _options.Seed, months);
        var front = new CatalogFrontEnd(survey, extraMonths: 1);
        var pipeline = new DiaPipeline(new ApdbStore(dataSource));
        var work = survey.NewVisits
            .Where(v => v.MidpointMjdTai < survey.Cadence.StartMjd + (months + 1) * Cadence.DaysPerMonth)
            .SelectMany(v => survey.DetectorsOnRegion(v, CameraLayout.DetectorCount).Select(d => (Visit: v, Detector: d)))
            .Take(_options.VisitsPerStep)
            .ToList();
        if (work.Count == 0)
        {
            throw new ApdbUserException($"bench history-depth: no visit lands on the {_options.Preset.Name} region in the month after a {months}-month history");
        }

        var reads = new List<double>();
        var writes = new List<double>();
        var rows = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var (visit, detector) in work)
        {
            var result = await CatalogVisitWork.RunAsync(pipeline, front, visit, detector, ct);
            var readSeconds = result.Seconds("preload");
            reads.Add(readSeconds);
            writes.Add(result.Seconds("store"));
            var c = result.Counts;
            AddRow(rows, "readMicrosecondsPerRow", 1e6 * readSeconds / Math.Max(1, c.PreloadedObjects + c.PreloadedSources + c.PreloadedForcedSources));
            AddRow(rows, "preloadedDiaObjects", c.PreloadedObjects);
            AddRow(rows, "preloadedDiaSources", c.PreloadedSources);
            AddRow(rows, "preloadedDiaForcedSources", c.PreloadedForcedSources);
            AddRow(rows, "storedDiaObjects", result.Store.DiaObjects);
            AddRow(rows, "storedDiaSources", result.Store.DiaSources);
            AddRow(rows, "storedDiaForcedSources", result.Store.DiaForcedSources);
        }

        var full = await FullVisitAsync(pipeline, survey, front, work[^1].Visit, ct);
        return new Point(months, survey.HistoryVisitCount, work.Count, Selection.Median(reads), Selection.Median(writes),
            rows.ToDictionary(kv => kv.Key, kv => Selection.Median(kv.Value), StringComparer.Ordinal),
            new Dictionary<string, long>(load.Rows, StringComparer.Ordinal), load.Seconds.Total, settle, full);
    }

    /// <summary>A full ANALYZE of the bench's database after its load; returns its seconds.</summary>
    private static async Task<double> SettleAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var command = dataSource.CreateCommand("ANALYZE");
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(ct);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>The database work of every detector of the next visit, by <see cref="FullVisitClients"/> concurrent clients.</summary>
    private static async Task<FullVisit?> FullVisitAsync(DiaPipeline pipeline, LoadedSurvey survey, CatalogFrontEnd front, Visit after, CancellationToken ct)
    {
        var visit = survey.NewVisits.FirstOrDefault(v => v.MidpointMjdTai > after.MidpointMjdTai && front.Rows(v.VisitId, survey.DetectorsOnRegion(v, 1).FirstOrDefault()).Count > 0);
        if (visit is null)
        {
            return null;
        }

        var detectors = survey.DetectorsOnRegion(visit, CameraLayout.DetectorCount);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcomes = await CatalogVisitWork.RunVisitAsync(pipeline, front, visit, detectors, FullVisitClients, null, ct);
        if (outcomes.FirstOrDefault(o => o.Error is not null)?.Error is { } error)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return new FullVisit(visit.VisitId, detectors.Count, FullVisitClients, clock.Elapsed.TotalSeconds);
    }

    private static void AddRow(Dictionary<string, List<double>> rows, string key, double value)
    {
        if (!rows.TryGetValue(key, out var list))
        {
            rows[key] = list = [];
        }

        list.Add(value);
    }

    /// <summary>One row a history depth: the CSV's columns as before, with units for the formats that carry them.</summary>
    private static OutputTable Table(List<Point> points)
    {
        T[] Map<T>(Func<Point, T> value) => [.. points.Select(value)];
        double Row(Point p, string key) => p.Rows.GetValueOrDefault(key);
        return new OutputTable()
            .Add("months", Map(p => p.Months), description: "history depth, 30-day months")
            .Add("historyVisits", Map(p => p.HistoryVisits), description: "visits in the loaded history")
            .Add("detectorVisits", Map(p => p.DetectorVisits), description: "detector-visits measured")
            .Add("readSeconds", Map(p => p.ReadSeconds), "s", "median preload time per detector-visit")
            .Add("writeSeconds", Map(p => p.WriteSeconds), "s", "median store time per detector-visit")
            .Add("totalSeconds", Map(p => p.ReadSeconds + p.WriteSeconds), "s", "read + write")
            .Add("readMicrosecondsPerRow", Map(p => Row(p, "readMicrosecondsPerRow")), "us", "preload time per row read")
            .Add("preloadedDiaObjects", Map(p => Row(p, "preloadedDiaObjects")), description: "median DiaObjects preloaded per detector-visit")
            .Add("preloadedDiaSources", Map(p => Row(p, "preloadedDiaSources")), description: "median DiaSources preloaded")
            .Add("preloadedDiaForcedSources", Map(p => Row(p, "preloadedDiaForcedSources")), description: "median DiaForcedSources preloaded")
            .Add("storedDiaObjects", Map(p => Row(p, "storedDiaObjects")), description: "median DiaObjects stored")
            .Add("storedDiaSources", Map(p => Row(p, "storedDiaSources")), description: "median DiaSources stored")
            .Add("storedDiaForcedSources", Map(p => Row(p, "storedDiaForcedSources")), description: "median DiaForcedSources stored")
            .Add("apdbDiaSources", Map(p => p.ApdbRows.GetValueOrDefault("DiaSource")), description: "DiaSources in the APDB at this depth")
            .Add("apdbDiaForcedSources", Map(p => p.ApdbRows.GetValueOrDefault("DiaForcedSource")), description: "DiaForcedSources in the APDB at this depth");
    }

    private void Write(List<Point> points)
    {
        Directory.CreateDirectory(_options.OutDir);
        TableFile.Write(Path.Combine(_options.OutDir, "history-depth" + _options.TableExtension), Table(points), "--table-format");
        var first = points.MinBy(p => p.Months)!;
        var last = points.MaxBy(p => p.Months)!;
        var ratio = (last.ReadSeconds + last.WriteSeconds) / (first.ReadSeconds + first.WriteSeconds);
        var json = new
        {
            preset = _options.Preset.Name,
            seed = _options.Seed,
            visitsPerStep = _options.VisitsPerStep,
            method = "separate history load per depth, then a full ANALYZE (timed apart, settleSeconds); N detector-visits after it, in time order, one client; medians per detector-visit",
            points = points.Select(p => new
            {
                months = p.Months,
                historyVisits = p.HistoryVisits,
                detectorVisits = p.DetectorVisits,
                readSeconds = Math.Round(p.ReadSeconds, 6),
                writeSeconds = Math.Round(p.WriteSeconds, 6),
                rows = p.Rows,
                apdbRows = p.ApdbRows,
                loadSeconds = Math.Round(p.LoadSeconds, 3),
                settleSeconds = Math.Round(p.SettleSeconds, 3),
                fullVisitSecondsOneClient = Math.Round(CameraLayout.DetectorCount * (p.ReadSeconds + p.WriteSeconds), 3),
                fullVisit = p.Full is { } f
                    ? new { visit = f.Visit, detectors = f.Detectors, clients = f.Clients, wallSeconds = Math.Round(f.WallSeconds, 3), per189Detectors = Math.Round(f.WallSeconds * CameraLayout.DetectorCount / f.Detectors, 3) }
                    : null,
            }),
            deepestOverShallowest = Math.Round(ratio, 4),
            rubinPublished = "per full 189-detector visit: single PostgreSQL (2018) ~10 s select + ~15 s insert at 15k visits, growing linearly; Cassandra 6 nodes 1.67 s at 50k visits, 12 nodes ~4.5 s plateau after 300k",
        };
        var text = RunCommand.Serialize(json);
        File.WriteAllText(Path.Combine(_options.OutDir, "history-depth.json"), text);
        SavePlot(Path.Combine(_options.OutDir, "history-depth.png"), points);
        if (_context.Json)
        {
            _context.WriteJson(json);
            return;
        }

        foreach (var p in points)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{p.Months,3} months ({p.HistoryVisits,5} visits): read {1000 * p.ReadSeconds,8:F2} ms ({p.Rows.GetValueOrDefault("readMicrosecondsPerRow"),5:F1} us/row)  write {1000 * p.WriteSeconds,8:F2} ms  per detector-visit; 189 detectors, one client: {CameraLayout.DetectorCount * (p.ReadSeconds + p.WriteSeconds):F2} s"));
        }

        foreach (var p in points.Where(p => p.Full is not null))
        {
            var f = p.Full!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{p.Months,3} months: a whole visit ({f.Detectors} detectors on the region, {f.Clients} concurrent clients) took {f.WallSeconds:F2} s of APDB work ({f.WallSeconds * CameraLayout.DetectorCount / f.Detectors:F2} s scaled to 189 detectors)"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{last.Months} months / {first.Months} month(s): {ratio:F2}x per detector-visit APDB time (read + write); Rubin's single PostgreSQL grew linearly with history (~10 s select + ~15 s insert per visit at 15k visits)"));
        Console.WriteLine($"wrote {Path.Combine(_options.OutDir, "history-depth" + _options.TableExtension)}, .json, .png");
    }

    private void SavePlot(string path, List<Point> points)
    {
        var plot = new Plot();
        var xs = points.Select(p => (double)p.Months).ToArray();
        Series(plot, xs, points.Select(p => 1000 * p.ReadSeconds).ToArray(), "read (preload)", new Color(31, 119, 180));
        Series(plot, xs, points.Select(p => 1000 * p.WriteSeconds).ToArray(), "write (store)", new Color(214, 39, 40));
        Series(plot, xs, points.Select(p => 1000 * (p.ReadSeconds + p.WriteSeconds)).ToArray(), "read + write", new Color(60, 60, 60));
        plot.Title($"APDB time per detector-visit vs history depth ({_options.Preset.Name}, median of {_options.VisitsPerStep})");
        plot.XLabel("history depth (months of 30 days)");
        plot.YLabel("ms per detector-visit");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Axes.SetLimitsY(0, 1.3 * points.Max(p => 1000 * (p.ReadSeconds + p.WriteSeconds)));
        plot.SavePng(path, 1000, 600);
    }

    private static void Series(Plot plot, double[] xs, double[] ys, string label, Color color)
    {
        var s = plot.Add.Scatter(xs, ys);
        s.LegendText = label;
        s.Color = color;
        s.LineWidth = 2;
        s.MarkerSize = 8;
    }

    private static int[] ParseMonths(string text)
    {
        var months = IntegerList.Parse(text, 1, 21, part => new ApdbUserException($"bench history-depth: --months: {part} is not a depth between 1 and 21"));
        return months.Count > 0 ? [.. months.Distinct().Order().Select(m => (int)m)] : throw new ApdbUserException("bench history-depth: --months: give at least one depth");
    }

    private async Task<string> CreateBenchDatabaseAsync(NpgsqlDataSource main, CancellationToken ct)
    {
        await using var connection = await main.OpenConnectionAsync(ct);
        try
        {
            await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {BenchDatabase} WITH (FORCE)", connection))
            {
                await drop.ExecuteNonQueryAsync(ct);
            }

            await using var create = new NpgsqlCommand($"CREATE DATABASE {BenchDatabase}", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException ex)
        {
            throw new ApdbUserException($"bench history-depth: cannot create its database {BenchDatabase} on {connection.Host} ({ex.MessageText}); the bench needs CREATEDB", ex);
        }

        return new NpgsqlConnectionStringBuilder(_context.ConnectionString) { Database = BenchDatabase }.ConnectionString;
    }

    private static async Task DropBenchDatabaseAsync(NpgsqlDataSource main, CancellationToken ct)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = await main.OpenConnectionAsync(ct);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {BenchDatabase} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync(ct);
    }
}
