using System.CommandLine;
using System.Globalization;
using Apdb.Pipeline;
using Apdb.History;
using Apdb.Schema;
using Apdb.Simulation;
using Spectre.Console;

namespace Apdb.Cli.Commands;

/// <summary>
/// <c>demo</c>: the one-command tour. The embedded database (or --db), the schema, a year of <c>demo</c> history (skipped
/// when the APDB already holds the same complete load), the next few new visits through the full pipeline with their
/// alerts (under <c>--out</c>/alerts unless <c>--alerts</c> says where), the report, and SQL to paste into <c>apdb psql</c>.
/// </summary>
internal static class DemoCommand
{
    private const int HistoryMonths = 12;

    public static void AddTo(RootCommand root) => root.Subcommands.Add(Create());

    private static Command Create()
    {
        var visits = new Option<int>("--visits") { Description = "New visits to process (1-100)", DefaultValueFactory = _ => 3 };
        var detectors = new Option<int>("--detectors") { Description = "Detectors per visit, the ones covering most of the region (1-189)", DefaultValueFactory = _ => 2 };
        var workers = new Option<int>("--workers") { Description = "Detector-visits processed at once (1-64)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var seed = new Option<long>("--seed") { Description = "Seed of the simulated sky", DefaultValueFactory = _ => 1 };
        var replace = new Option<bool>("--replace") { Description = "Replace a different history the APDB holds (another preset or seed) with the demo's" };
        var trace = new Option<string?>("--trace") { Description = "Write a Chrome trace-event JSON of every stage" };
        var output = new Option<string>("--out") { Description = "Directory for the plots and run.json", DefaultValueFactory = _ => Path.Combine("artifacts", "demo") };
        var frontEnd = new Option<string>("--frontend") { Description = "image (render and process exposures) or catalog (catalog-level DiaSources, no images)", DefaultValueFactory = _ => RunCommand.DefaultFrontEnd };
        var alerts = RunCommand.AlertsOption();
        var alertFormat = RunCommand.AlertFormatOption();
        var command = new Command("demo", "The tour: embedded database, a year of demo history, new visits through the full pipeline with alerts, a report, example SQL")
        {
            visits, detectors, workers, seed, replace, trace, output, frontEnd, alerts, alertFormat,
        };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var visitCount = parse.GetValue(visits);
            if (visitCount is < 1 or > 100)
            {
                throw new ApdbUserException($"demo: --visits {visitCount} is outside 1-100");
            }

            // The demo always writes alerts: under --out (artifacts/demo/alerts) unless --alerts names a directory.
            var outDir = parse.GetValue(output);
            var settings = RunCommand.Check(new RunCommand.Settings(visitCount, parse.GetValue(detectors), parse.GetValue(workers),
                parse.GetValue(trace), outDir, Replace: false, VisitIds: null, DetectorIds: null, parse.GetValue(frontEnd)!,
                parse.GetValue(alerts) ?? Path.Combine(outDir ?? ".", "alerts"), parse.GetValue(alertFormat) ?? "avro"), "demo");
            if (ShardedCommands.IsSharded(context))
            {
                await using var sharded = await ShardedCommands.OpenAsync(context, ct, initialise: true);
                return await RunAsync(context, settings, parse.GetValue(seed), parse.GetValue(replace), ShardedCommands.DemoTarget(context, sharded), ct);
            }

            var dataSource = await context.GetDataSourceAsync(ct);
            var single = new DemoTarget(
                context.Cluster is not null ? "database: the embedded PostgreSQL cluster (`apdb status` shows where)" : "database: the server given by --db / APDB_DB",
                c => SchemaMigrator.MigrateAsync(dataSource, cancellationToken: c),
                dataSource,
                (seedValue, replaceHistory, c) => HistoryLoader.LoadAsync(dataSource, "demo", HistoryMonths, seedValue, replaceHistory, null, c),
                new ApdbStore(dataSource),
                dataSource);
            return await RunAsync(context, settings, parse.GetValue(seed), parse.GetValue(replace), single, ct);
        });
        return command;
    }

    /// <summary>The demo's history length, in months.</summary>
    internal const int Months = HistoryMonths;

    private static async Task<int> RunAsync(CliContext context, RunCommand.Settings settings, long seed, bool replace, DemoTarget target, CancellationToken ct)
    {
        var say = context.Json ? (Action<string>)(_ => { }) : Console.WriteLine;
        var dataSource = target.Metadata;
        say(target.Description);
        await target.MigrateAsync(ct);
        say("schema: current (Rubin APDB v10 plus HEALPix pixelId, monthly partitions)");

        var survey = await LoadedSurvey.TryReadAsync(dataSource, ct);
        object history;
        if (survey is { } s && s.Preset == SkyPreset.Demo && s.Seed == seed && s.Months == HistoryMonths)
        {
            say($"history: the APDB already holds the complete {HistoryMonths}-month demo history (seed {seed}): load skipped");
            history = new { loaded = false, reason = "already complete", preset = "demo", seed, months = HistoryMonths };
        }
        else
        {
            if (survey is { } other && !replace)
            {
                throw new ApdbUserException($"demo: the APDB holds a {other.Months}-month {other.Preset.Name} history (seed {other.Seed}), not the demo's: `apdb demo --replace` replaces it");
            }

            say($"history: loading {HistoryMonths} months of the demo preset (1 deg^2, seed {seed})...");
            var summary = context.Json
                ? await target.LoadHistoryAsync(seed, replace, ct)
                : await AnsiConsole.Status().StartAsync("generating and copying the history...", _ => target.LoadHistoryAsync(seed, replace, ct));
            say(string.Create(CultureInfo.InvariantCulture,
                $"history: {summary.Visits} visits, {summary.Rows["DiaObjectLast"]:N0} DiaObjects, {summary.Rows["DiaSource"]:N0} DiaSources, {summary.Rows["DiaForcedSource"]:N0} DiaForcedSources in {summary.Seconds.Total:F1} s"));
            history = new { loaded = true, preset = "demo", seed, months = HistoryMonths, rows = summary.Rows, seconds = summary.Seconds };
            survey = await LoadedSurvey.ReadAsync(dataSource, ct);
        }

        var plan = await RunCommand.NextUnprocessedAsync(target.Apdb, survey, settings, ct);
        if (plan.Count == 0)
        {
            throw new ApdbUserException("demo: every new visit of the continued cadence is already processed: `apdb demo --replace` starts over");
        }

        say(string.Create(CultureInfo.InvariantCulture,
            $"pipeline: {plan.Count} new visit(s) x up to {settings.Detectors} detector(s), front end {settings.FrontEnd}, {settings.Workers} worker(s)"));
        var (code, report, runJson) = await RunCommand.ExecuteAsync(context, target.Apdb, survey, settings, plan, "demo", printJson: false, ct);
        if (target.Sql is null)
        {
            say("examples: none (SQL over every shard needs a coordinator in --db)");
            return code;
        }

        var examples = await DemoExamples.ReadAsync(target.Sql, survey, ct);
        if (context.Json)
        {
            context.WriteJson(new { history, run = runJson, examples = new { objects = examples.Objects, visit = examples.Visit, detector = examples.Detector, cutoutObject = examples.CutoutObject }, sql = examples.Sql });
        }
        else
        {
            examples.Print(Console.Out);
        }

        return code;
    }
}
