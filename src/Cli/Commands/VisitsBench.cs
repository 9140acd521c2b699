using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Apdb.Pipeline;
using Apdb.Pipeline.DiaPipe;
using Apdb.Schema;
using Apdb.Simulation;
using Apdb.Sky;
using Npgsql;
using Spectre.Console;

namespace Apdb.Cli.Commands;

/// <summary>
/// <c>bench visits</c>: an ap_proto-style load test. N consecutive new visits after what the APDB holds, each the whole
/// camera's detector-visits on the loaded region run by K concurrent clients through one connection pool, every
/// client doing DiaPipe's database work at catalog level (<see cref="CatalogVisitWork"/>: the preload of the padded
/// detector region, then the transactional store). Per visit: the wall time, the per detector-visit read and write
/// times and their percentiles, the rows read and written, the errors; after the run the store's invariants.
/// </summary>
/// <remarks>
/// It runs on the APDB the command connects to, as ap_proto does, not on a scratch copy: the visits are the survey's
/// next ones after the last stored detector-visit, so the APDB grows by what they store, as a production APDB does,
/// and a second run continues where the first stopped. A fresh state is a <c>load-history --replace</c> away.
/// </remarks>
internal sealed partial class VisitsBench
{
    private const string Name = "bench visits";

    /// <summary>Upper bound of <c>--clients</c>: each client holds up to three connections during its preload.</summary>
    private const int MaxClients = 64;

    /// <summary>
    /// Months of new visits after the history the bench may run: more than `run`'s 3, so that one APDB serves 100 and
    /// more consecutive visits (about 11 a month on a field). The visits are the cadence's either way; the transients
    /// that appear after the history are drawn over these months.
    /// </summary>
    private const int ContinuedMonths = 12;

    private readonly Options _options;
    private readonly CliContext _context;

    public VisitsBench(Options options, CliContext context)
    {
        _options = options;
        _context = context;
    }

    internal sealed record Options(SkyPreset Preset, int Months, int Visits, int Detectors, int Clients, bool Cold, string OutDir, string TableExtension);

    /// <summary>
    /// One visit of the run: its detector-visits, wall seconds, the CPU seconds spent during it, whether caches were
    /// dropped before it, and the server floor measured after it.
    /// </summary>
    internal sealed record VisitRecord(
        int Number, Visit Visit, CatalogVisitWork.Outcome[] Outcomes, double WallSeconds, CpuAccount.Sample Cpu, bool CachesDropped, ServerFloorProbe.Floor? Floor);

    public static Command CreateCommand()
    {
        var preset = new Option<string>("--preset") { Description = "The preset the APDB's history was loaded with: tiny, demo, fov or survey (checked against the APDB; survey runs its central field)", DefaultValueFactory = _ => "demo" };
        var months = new Option<int>("--months") { Description = "Months of that history, 1-24 (checked against the APDB)", DefaultValueFactory = _ => 12 };
        var visits = new Option<int>("--visits") { Description = "Consecutive new visits to run, after the last one the APDB stores", DefaultValueFactory = _ => 10 };
        var detectors = new Option<int>("--detectors") { Description = $"Detectors a visit, 1-{CameraLayout.DetectorCount}: the most populated of those on the region", DefaultValueFactory = _ => CameraLayout.DetectorCount };
        var clients = new Option<int>("--clients") { Description = $"Concurrent clients through one connection pool, 1-{MaxClients}", DefaultValueFactory = _ => HistoryDepthBench.FullVisitClients };
        var cold = new Option<bool>("--cold") { Description = "Drop the OS page cache before each visit (root only; PostgreSQL's shared buffers are kept)" };
        var output = new Option<string>("--out") { Description = "Directory for visits.csv and detector_visits.csv (see --table-format), visits.json, visits.png", Required = true };
        var tableFormat = BenchCommands.TableFormatOption();
        var command = new Command("visits",
            "Whole-camera visits one after another, K clients at once, on the APDB itself (ap_proto-style): the next N visits after what it stores are preloaded and stored, so the APDB grows by them")
        {
            preset, months, visits, detectors, clients, cold, output, tableFormat,
        };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var options = new Options(
                SkyPreset.Find(parse.GetValue(preset))
                    ?? throw new ApdbUserException($"{Name}: unknown preset {UserText.Quote(parse.GetValue(preset))} (expected {string.Join(", ", SkyPreset.All.Select(p => p.Name))})"),
                parse.GetValue(months), parse.GetValue(visits), parse.GetValue(detectors), parse.GetValue(clients), parse.GetValue(cold),
                parse.GetValue(output)!, BenchCommands.TableExtension(parse.GetValue(tableFormat)!));
            Validate(options);
            return await new VisitsBench(options, context).RunAsync(ct);
        });
        return command;
    }

    private static void Validate(Options o)
    {
        if (o.Months is < 1 or > 24)
        {
            throw new ApdbUserException($"{Name}: --months {o.Months} is outside 1-24");
        }

        if (o.Visits is < 1 or > 10_000)
        {
            throw new ApdbUserException($"{Name}: --visits {o.Visits} is outside 1-10000");
        }

        if (o.Detectors < 1 || o.Detectors > CameraLayout.DetectorCount)
        {
            throw new ApdbUserException($"{Name}: --detectors {o.Detectors} is outside 1-{CameraLayout.DetectorCount} (the camera's science detectors)");
        }

        if (o.Clients is < 1 or > MaxClients)
        {
            throw new ApdbUserException($"{Name}: --clients {o.Clients} is outside 1-{MaxClients}");
        }

        EnsureWritableDirectory(o.OutDir);
    }

    /// <summary>
    /// Refuses an <c>--out</c> that cannot become a writable directory, without creating anything: the directory, or
    /// its nearest existing ancestor when it does not exist yet, must be a directory in which a file can be made.
    /// </summary>
    private static void EnsureWritableDirectory(string outDir)
    {
        var full = Path.GetFullPath(outDir);
        if (File.Exists(full))
        {
            throw new ApdbUserException($"{Name}: --out {outDir} is a file; give a directory");
        }

        var existing = full;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
            {
                throw new ApdbUserException($"{Name}: --out {outDir} is not writable: {existing} is a file");
            }

            existing = Path.GetDirectoryName(existing) ?? throw new ApdbUserException($"{Name}: --out {outDir} is not writable: no existing directory above it");
        }

        try
        {
            using (File.Create(Path.Combine(existing, $".apdb-write-probe-{Guid.NewGuid():N}"), 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ApdbUserException($"{Name}: --out {outDir} is not writable: cannot make a file in {existing} ({ex.Message})", ex);
        }
    }

    public async Task<int> RunAsync(CancellationToken ct)
    {
        if (ShardedCommands.IsSharded(_context))
        {
            throw new ApdbUserException($"{Name}: the APDB is sharded; the load test runs on a single-server APDB");
        }

        var dataSource = await _context.GetDataSourceAsync(ct);
        var survey = await ReadSurveyAsync(dataSource, ct);
        var plan = await PlanAsync(dataSource, survey, ct);
        var coldCache = _options.Cold ? ColdCache.Probe() : null;
        if (coldCache is { Available: false })
        {
            Console.Error.WriteLine($"{Name}: --cold: the page cache cannot be dropped here ({coldCache.Reason}); the visits run with the cache as it is");
        }

        var front = new CatalogFrontEnd(survey, ExtraMonths(survey, plan[^1].Visit));
        _ = front.Rows(plan[0].Visit.VisitId, plan[0].Detectors[0]);
        var pipeline = new DiaPipeline(new ApdbStore(dataSource));
        var floor = new ServerFloorProbe(dataSource, pipeline);
        var cpu = await CpuAccount.OpenAsync(dataSource, ct);
        var records = UseProgress()
            ? await RunWithProgressAsync(plan, pipeline, front, floor, cpu, coldCache, ct)
            : await RunVisitsAsync(plan, pipeline, front, floor, cpu, coldCache, null, ct);
        var checks = await CheckAsync(dataSource, [.. plan.Select(p => p.Visit.VisitId)], records.Sum(r => r.Outcomes.Count(o => o.Error is null)), ct);
        var peakRss = Process.GetCurrentProcess().PeakWorkingSet64;
        Write(survey, records, checks, coldCache, floor, cpu, peakRss);
        var errors = records.Sum(r => r.Outcomes.Count(o => o.Error is not null));
        if (errors > 0 || !checks.Passed)
        {
            var first = records.SelectMany(r => r.Outcomes).FirstOrDefault(o => o.Error is not null)?.Error;
            throw new InvalidOperationException(errors > 0
                ? $"{Name}: {errors} detector-visit(s) failed (first: {first!.Message}); results in {_options.OutDir}"
                : $"{Name}: the APDB's invariants fail after the run ({string.Join("; ", checks.Violations)}); results in {_options.OutDir}");
        }

        return CommandRunner.Success;
    }

    private bool UseProgress() => !_context.Json && !Console.IsErrorRedirected;

    /// <summary>The APDB's survey, refused unless its complete history is the requested preset and depth.</summary>
    private async Task<LoadedSurvey> ReadSurveyAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var noHistory = $"{Name}: the APDB holds no complete history: run `apdb load-history --preset {_options.Preset.Name} --months {_options.Months}` first";
        if (await SchemaMigrator.GetVersionAsync(dataSource, ct) is null)
        {
            throw new ApdbUserException(noHistory);
        }

        await SchemaMigrator.EnsureCurrentAsync(dataSource, ct);
        var survey = (await LoadedSurvey.TryReadAsync(dataSource, ct)
            ?? throw new ApdbUserException(noHistory)).WithContinuation(ContinuedMonths);
        if (survey.Preset.Name != _options.Preset.Name || survey.Months != _options.Months)
        {
            throw new ApdbUserException(
                $"{Name}: the APDB holds a {survey.Months}-month {survey.Preset.Name} history, not the {_options.Months}-month {_options.Preset.Name} one asked for: give --preset {survey.Preset.Name} --months {survey.Months}, or load that history");
        }

        return survey;
    }

    /// <summary>
    /// The next <see cref="Options.Visits"/> visits of the continued cadence after the last stored detector-visit, each
    /// with the detectors it puts on the region (visits with none are passed over).
    /// </summary>
    private async Task<List<PlannedVisit>> PlanAsync(NpgsqlDataSource dataSource, LoadedSurvey survey, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT max(\"visitMjdTai\") FROM apdb_visit_detector");
        var last = await command.ExecuteScalarAsync(ct) is double t ? t : double.NegativeInfinity;
        var plan = new List<PlannedVisit>();
        var left = survey.NewVisits.Where(v => v.MidpointMjdTai > last).ToList();
        foreach (var visit in left)
        {
            var detectors = survey.DetectorsOnRegion(visit, _options.Detectors);
            if (detectors.Count > 0)
            {
                plan.Add(new PlannedVisit(visit, detectors));
                if (plan.Count == _options.Visits)
                {
                    return plan;
                }
            }
        }

        throw new ApdbUserException(string.Create(CultureInfo.InvariantCulture,
            $"{Name}: --visits {_options.Visits} is more than the survey has left: {plan.Count} visit(s) on the region remain of the {survey.ContinuedMonths} months after the {survey.Months}-month {survey.Preset.Name} history (`apdb load-history --replace` starts over)"));
    }

    /// <summary>Months after the history the front end must generate to reach <paramref name="last"/>.</summary>
    private static int ExtraMonths(LoadedSurvey survey, Visit last)
    {
        var month = (int)Math.Floor((last.MidpointMjdTai - survey.Cadence.StartMjd) / Cadence.DaysPerMonth);
        return Math.Clamp(month - survey.Months + 1, 1, survey.ContinuedMonths);
    }

    private async Task<List<VisitRecord>> RunWithProgressAsync(
        List<PlannedVisit> plan, DiaPipeline pipeline, CatalogFrontEnd front, ServerFloorProbe floor, CpuAccount cpu, ColdCache? cold, CancellationToken ct)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        List<VisitRecord>? records = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var visits = progress.AddTask("visits", maxValue: plan.Count);
                var detectorVisits = progress.AddTask("detector-visits", maxValue: 1);
                var reporter = new SynchronousProgress<(int Visit, int Done, int Total)>(p =>
                {
                    visits.Value = p.Visit - 1 + ((double)p.Done / p.Total);
                    detectorVisits.Description = string.Create(CultureInfo.InvariantCulture, $"detector-visits of visit {p.Visit}");
                    detectorVisits.MaxValue = p.Total;
                    detectorVisits.Value = p.Done;
                });
                records = await RunVisitsAsync(plan, pipeline, front, floor, cpu, cold, reporter, ct);
                visits.Value = plan.Count;
            });
        return records!;
    }

    private async Task<List<VisitRecord>> RunVisitsAsync(
        List<PlannedVisit> plan, DiaPipeline pipeline, CatalogFrontEnd front, ServerFloorProbe floor, CpuAccount cpu, ColdCache? cold,
        IProgress<(int Visit, int Done, int Total)>? progress, CancellationToken ct)
    {
        var records = new List<VisitRecord>(plan.Count);
        for (var i = 0; i < plan.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var (visit, detectors) = (plan[i].Visit, plan[i].Detectors);
            var dropped = cold is { Available: true } && await cold.DropAsync(ct);
            var number = i + 1;
            var done = 0;
            progress?.Report((number, 0, detectors.Count));
            var before = cpu.Take();
            var clock = Stopwatch.StartNew();
            var outcomes = await CatalogVisitWork.RunVisitAsync(pipeline, front, visit, detectors, _options.Clients,
                _ => progress?.Report((number, Interlocked.Increment(ref done), detectors.Count)), ct);
            var wall = clock.Elapsed.TotalSeconds;
            var spent = cpu.Take() - before;
            var measured = await floor.MeasureAsync(visit, detectors[0], copyFirst: number % 2 == 0, ct);
            records.Add(new VisitRecord(number, visit, outcomes, wall, spent, dropped, measured));
        }

        return records;
    }
}
