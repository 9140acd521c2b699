using System.CommandLine;
using System.Globalization;
using Apdb.Alerts;
using Apdb.Frontend;
using Apdb.Pipeline.DiaPipe;
using Apdb.Pipeline;
using Apdb.Schema;
using Apdb.Simulation;
using Apdb.Sky;
using Spectre.Console;

namespace Apdb.Cli.Commands;

/// <summary>
/// <c>run [--visits N] [--detectors D] [--workers W] [--trace T.json] [--out DIR] [--replace] [--visit IDS]
/// [--detector-ids IDS] [--frontend image|catalog] [--alerts DIR [--alert-format avro|confluent]]</c>: the full ApPipe on
/// the visits that follow the loaded history, and the alerts of every stored DiaSource.
/// </summary>
internal static partial class RunCommand
{
    /// <summary>What a run does, as parsed and checked from the command line.</summary>
    internal sealed record Settings(
        int Visits, int Detectors, int Workers, string? TracePath, string? OutDir, bool Replace,
        IReadOnlyList<long>? VisitIds, IReadOnlyList<int>? DetectorIds, string FrontEnd, string? AlertsDir = null, string AlertFormat = "avro");

    public static void AddTo(RootCommand root) => root.Subcommands.Add(Create());

    private static Command Create()
    {
        var visits = new Option<int>("--visits") { Description = "New visits to process: the next ones not yet stored (1-1000)", DefaultValueFactory = _ => 2 };
        var detectors = new Option<int>("--detectors") { Description = "Detectors per visit: those covering most of the loaded region (1-189)", DefaultValueFactory = _ => 4 };
        var workers = new Option<int>("--workers") { Description = "Detector-visits processed at once (1-64)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var trace = new Option<string?>("--trace") { Description = "Write a Chrome trace-event JSON of every stage (open in https://ui.perfetto.dev)" };
        var output = new Option<string?>("--out") { Description = "Directory for the plots (stages.png, forced-phot.png) and run.json", DefaultValueFactory = _ => Path.Combine("artifacts", "run") };
        var replace = new Option<bool>("--replace") { Description = "Rewrite detector-visits that are already stored (default: skip them)" };
        var visitIds = new Option<string?>("--visit") { Description = "Process these visit ids (comma-separated) instead of the first --visits new visits" };
        var detectorIds = new Option<string?>("--detector-ids") { Description = "Process these detectors (comma-separated, 0-188) instead of the --detectors best covered ones" };
        var frontEnd = new Option<string>("--frontend")
        {
            Description = "image: render and process exposures (ISR, calibration, subtraction, detection); catalog: the simulation's catalog-level DiaSources, no images",
            DefaultValueFactory = _ => DefaultFrontEnd,
        };
        var alerts = AlertsOption();
        var alertFormat = AlertFormatOption();
        var command = new Command("run", "Run ApPipe (front end + DiaPipe) on new visits against the APDB's history; resumable")
        {
            visits, detectors, workers, trace, output, replace, visitIds, detectorIds, frontEnd, alerts, alertFormat,
        };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var settings = Check(new Settings(
                parse.GetValue(visits), parse.GetValue(detectors), parse.GetValue(workers), parse.GetValue(trace), parse.GetValue(output),
                parse.GetValue(replace), ParseList(parse.GetValue(visitIds), "--visit", long.MaxValue).Select(v => (long)v).ToList() is { Count: > 0 } v ? v : null,
                ParseList(parse.GetValue(detectorIds), "--detector-ids", CameraLayout.DetectorCount - 1).Select(d => (int)d).ToList() is { Count: > 0 } d ? d : null,
                parse.GetValue(frontEnd)!, parse.GetValue(alerts), parse.GetValue(alertFormat) ?? "avro"));
            if (parse.GetResult(alertFormat) is { Implicit: false } && settings.AlertsDir is null)
            {
                throw new ApdbUserException("run: --alert-format needs --alerts DIR");
            }

            // The pipeline stores as the writer role: it changes rows and makes partitions, never the schema.
            await using var sharded = ShardedCommands.IsSharded(context) ? await ShardedCommands.OpenAsync(context, ct) : null;
            var dataSource = sharded?.Shards[0] ?? await context.GetDataSourceAsync(ApdbRole.Writer, ct);
            IApdb store = sharded is null ? new ApdbStore(dataSource) : sharded;
            await SchemaMigrator.EnsureCurrentAsync(dataSource, ct);
            var survey = await LoadedSurvey.ReadAsync(dataSource, ct);
            if (settings.VisitIds is null && !settings.Replace)
            {
                var next = await NextUnprocessedAsync(store, survey, settings, ct);
                return next.Count == 0
                    ? ReportNothingToDo(context, survey)
                    : (await ExecuteAsync(context, store, survey, settings, next, "run", printJson: true, ct)).ExitCode;
            }

            return (await ExecuteAsync(context, store, survey, settings, "run", printJson: true, ct)).ExitCode;
        });
        return command;
    }

    /// <summary>Checks the settings that need no database; throws with a one-line message naming the option.</summary>
    internal static Settings Check(Settings s, string command = "run")
    {
        if (s.Visits is < 1 or > 1000)
        {
            throw new ApdbUserException($"{command}: --visits {s.Visits} is outside 1-1000");
        }

        if (s.Detectors is < 1 or > CameraLayout.DetectorCount)
        {
            throw new ApdbUserException($"{command}: --detectors {s.Detectors} is outside 1-{CameraLayout.DetectorCount}");
        }

        if (s.Workers is < 1 or > 64)
        {
            throw new ApdbUserException($"{command}: --workers {s.Workers} is outside 1-64");
        }

        if (s.FrontEnd is not ("image" or "catalog"))
        {
            throw new ApdbUserException($"{command}: --frontend {UserText.Quote(s.FrontEnd)} is not image or catalog");
        }

        if (s.TracePath is { } trace)
        {
            var full = Path.GetFullPath(trace);
            if (Directory.Exists(full))
            {
                throw new ApdbUserException($"{command}: --trace {trace} is a directory; give a file name");
            }

            if (Path.GetDirectoryName(full) is { } dir && !Directory.Exists(dir))
            {
                throw new ApdbUserException($"{command}: --trace {trace}: directory {dir} does not exist");
            }
        }

        if (s.AlertFormat is not ("avro" or "confluent"))
        {
            throw new ApdbUserException($"{command}: --alert-format '{s.AlertFormat}' is not avro or confluent");
        }

        if (s.AlertsDir is { } alertsDir && File.Exists(alertsDir))
        {
            throw new ApdbUserException($"{command}: --alerts {alertsDir} is a file; give a directory");
        }

        if (s.OutDir is { } outDir && File.Exists(outDir))
        {
            throw new ApdbUserException($"{command}: --out {outDir} is a file; give a directory");
        }

        return s;
    }

    /// <summary>The visits and detectors to process; every visit and detector is checked against the loaded region.</summary>
    internal static List<PlannedVisit> Plan(LoadedSurvey survey, Settings s)
    {
        var fresh = survey.NewVisits;
        if (fresh.Count == 0)
        {
            throw new ApdbUserException($"run: the cadence has no visits after the {survey.Months}-month {survey.Preset.Name} history");
        }

        IReadOnlyList<Visit> visits;
        if (s.VisitIds is { } ids)
        {
            var byId = fresh.ToDictionary(v => v.VisitId);
            var history = survey.Cadence.Visits.Take(survey.HistoryVisitCount).Select(v => v.VisitId).ToHashSet();
            visits = [.. ids.Distinct().Select(id => byId.TryGetValue(id, out var v) ? v : throw new ApdbUserException(history.Contains(id)
                ? $"run: --visit {id} is part of the loaded history, not a new visit (new visits: {fresh[0].VisitId} to {fresh[^1].VisitId})"
                : $"run: --visit {id} is not a visit of the {survey.Preset.Name} survey over the loaded region (seed {survey.Seed}; new visits: {fresh[0].VisitId} to {fresh[^1].VisitId})"))];
        }
        else
        {
            visits = [.. fresh.Take(s.Visits)];
        }

        var plan = new List<PlannedVisit>();
        foreach (var visit in visits.OrderBy(v => v.MidpointMjdTai))
        {
            IReadOnlyList<int> detectors;
            if (s.DetectorIds is { } chosen)
            {
                foreach (var d in chosen)
                {
                    if (!survey.Overlaps(visit, d))
                    {
                        throw new ApdbUserException(string.Create(CultureInfo.InvariantCulture,
                            $"run: visit {visit.VisitId} detector {d} ({CameraLayout.Name(d)}) is outside the loaded {survey.Preset.Name} region (centre {survey.Region.Center}, radius {survey.Region.RadiusDeg:F3} deg)"));
                    }
                }

                detectors = [.. chosen.Distinct()];
            }
            else
            {
                detectors = survey.DetectorsOnRegion(visit, s.Detectors);
            }

            if (detectors.Count > 0)
            {
                plan.Add(new PlannedVisit(visit, detectors));
            }
        }

        return plan;
    }

    /// <summary>Runs a plan and reports (tables, or the JSON when <paramref name="printJson"/>); shared by <c>run</c> and <c>demo</c>.</summary>
    internal static async Task<(int ExitCode, PipelineRunReport Report, object Json)> ExecuteAsync(
        CliContext context, IApdb store, LoadedSurvey survey, Settings settings, string command, bool printJson, CancellationToken ct)
    {
        var plan = Plan(survey, settings);
        return await ExecuteAsync(context, store, survey, settings, plan, command, printJson, ct);
    }

    /// <summary>Runs a given plan and reports.</summary>
    internal static async Task<(int ExitCode, PipelineRunReport Report, object Json)> ExecuteAsync(
        CliContext context, IApdb store, LoadedSurvey survey, Settings settings, List<PlannedVisit> plan, string command, bool printJson, CancellationToken ct)
    {
        var frontEnd = CreateFrontEnd(settings.FrontEnd, survey);
        if (settings.FrontEnd == "image" && WorkerCap(settings.Workers, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes) is { } cap)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"apdb: {command}: --workers {settings.Workers} lowered to {cap}: the image front end holds about {ImageWorkerBytes / 1e9:F1} GB per detector-visit in flight and this machine has {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1e9:F1} GB"));
            settings = settings with { Workers = cap };
        }

        var alerts = CreateAlertPackager(settings, command);
        var runner = new PipelineRunner(store, survey, frontEnd, new DiaPipeOptions { ReplaceExisting = settings.Replace }) { Alerts = alerts };
        PipelineRunReport report;
        if (context.Json || Console.IsOutputRedirected)
        {
            report = await runner.RunAsync(plan, settings.Workers, null, ct);
        }
        else
        {
            report = await RunWithProgressAsync(runner, plan, settings.Workers, ct);
        }

        if (settings.TracePath is { } tracePath)
        {
            await using var stream = File.Create(tracePath);
            ChromeTrace.Write(stream, report.Spans, report.Workers);
        }

        var json = ToJson(report, settings, survey);
        // A run that processed nothing (every chosen detector-visit already stored) draws no empty plots.
        if (settings.OutDir is { } outDir && report.DetectorVisits > 0)
        {
            Directory.CreateDirectory(outDir);
            SaveStagesPlot(Path.Combine(outDir, "stages.png"), report);
            SaveForcedPhotPlot(Path.Combine(outDir, "forced-phot.png"), report);
            await File.WriteAllTextAsync(Path.Combine(outDir, "run.json"), Serialize(json), ct);
        }

        if (context.Json)
        {
            if (printJson)
            {
                context.WriteJson(json);
            }
        }
        else
        {
            Print(report, settings, survey, command);
        }

        foreach (var failed in report.Failed)
        {
            Console.Error.WriteLine($"apdb: {command}: {failed}");
        }

        if (report.Failure is { } failure)
        {
            Console.Error.WriteLine($"apdb: {command}: {failure}");
        }

        return report.Failure is null && report.Failed.Count == 0
            ? (CommandRunner.Success, report, json)
            : (report.InternalFailure ? CommandRunner.InternalError : CommandRunner.UserError, report, json);
    }

    /// <summary>
    /// Peak memory of one image detector-visit in flight: the raw, calibrated, template and warped 4k x 4k planes with
    /// their variance and mask, the AL convolution's passes and the rendering: the peak resident memory of one worker,
    /// rounded up (benchmarks/pipeline/README.md).
    /// </summary>
    internal const long ImageWorkerBytes = 1_500_000_000;

    /// <summary>
    /// The worker count that fits in three quarters of <paramref name="availableBytes"/> at <see cref="ImageWorkerBytes"/>
    /// each (at least one), or null when <paramref name="requested"/> already fits.
    /// </summary>
    internal static int? WorkerCap(int requested, long availableBytes)
    {
        var fits = (int)Math.Clamp(availableBytes * 3 / 4 / ImageWorkerBytes, 1, 64);
        return requested > fits ? fits : null;
    }

    /// <summary>The <c>--alerts DIR</c> option of <c>run</c> and <c>demo</c>.</summary>
    internal static Option<string?> AlertsOption(string? defaultDir = null) => new("--alerts")
    {
        Description = "Write one alert per stored DiaSource (Rubin alert schema v10.0), one file per detector-visit under DIR",
        DefaultValueFactory = _ => defaultDir,
    };

    /// <summary>The <c>--alert-format</c> option.</summary>
    internal static Option<string?> AlertFormatOption() => new("--alert-format")
    {
        Description = "avro: an Avro Object Container File per detector-visit (.avro); confluent: length-prefixed Confluent wire-format frames (.confluent)",
        DefaultValueFactory = _ => "avro",
    };

    /// <summary>
    /// The alert packager of a run, or null without <c>--alerts</c>. The directory is created and probed here, before
    /// anything is stored, so an unwritable one is a one-line error with nothing written.
    /// </summary>
    private static AlertPackager? CreateAlertPackager(Settings settings, string command)
    {
        if (settings.AlertsDir is not { } dir)
        {
            return null;
        }

        var writer = new AlertFileWriter(dir, settings.AlertFormat == "confluent" ? AlertFormat.Confluent : AlertFormat.Avro);
        try
        {
            writer.EnsureWritable();
        }
        catch (AlertException ex)
        {
            throw new ApdbUserException($"{command}: --alerts: {ex.Message}", ex);
        }

        return new AlertPackager(writer, new AlertPacketBuilder(new DiaPipeOptions().HistoryMonths));
    }

    /// <summary>The front end when none is chosen: the image front end.</summary>
    internal const string DefaultFrontEnd = "image";

    /// <summary>
    /// FRONT-END WIRING: the single place the front end is chosen for <c>run</c> and <c>demo</c>.
    /// </summary>
    private static IDetectorFrontEnd CreateFrontEnd(string name, LoadedSurvey survey) => name switch
    {
        "catalog" => new CatalogFrontEnd(survey),
        _ => new ImageFrontEnd(survey.Truth),
    };

    private static async Task<PipelineRunReport> RunWithProgressAsync(PipelineRunner runner, List<PlannedVisit> plan, int workers, CancellationToken ct)
    {
        PipelineRunReport? report = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async progressContext =>
            {
                var task = progressContext.AddTask("detector-visits", maxValue: Math.Max(1, plan.Sum(p => p.Detectors.Count)));
                var gate = new Lock();
                var progress = new SynchronousProgress<RunProgress>(p =>
                {
                    lock (gate)
                    {
                        task.Value = p.Done;
                        task.Description = string.Create(CultureInfo.InvariantCulture, $"detector-visits {p.Done}/{p.Total}");
                    }
                });
                report = await runner.RunAsync(plan, workers, progress, ct);
            });
        return report!;
    }

    private static List<long> ParseList(string? text, string option, long max) =>
        IntegerList.Parse(text, 0, max, part => new ApdbUserException(string.Create(CultureInfo.InvariantCulture, $"run: {option}: {part} is not an id between 0 and {max}")));
}
