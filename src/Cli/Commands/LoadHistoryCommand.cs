using System.CommandLine;
using System.Globalization;
using Apdb.History;
using Apdb.Schema;
using Apdb.Simulation;
using Apdb.Sky;
using Spectre.Console;

namespace Apdb.Cli.Commands;

/// <summary>
/// <c>load-history --preset tiny|demo|fov|survey [--months 12] [--seed N] [--replace]</c>: synthesize and bulk-load a DIA
/// history. Runs <c>init</c> implicitly (the schema migration is idempotent), so a fresh embedded cluster needs no
/// other step.
/// </summary>
internal static class LoadHistoryCommand
{
    public static void AddTo(RootCommand root) => root.Subcommands.Add(Create());

    private static Command Create()
    {
        var preset = new Option<string>("--preset")
        {
            Description = "Sky region size: " + string.Join(", ", SkyPreset.All.Select(p => $"{p.Name} ({p.Description})")),
            Required = true,
        };
        var months = new Option<int>("--months") { Description = "Months (30 days) of history, 1-24", DefaultValueFactory = _ => 12 };
        var seed = new Option<long>("--seed") { Description = "Seed of the simulated sky (same seed, same rows)", DefaultValueFactory = _ => 1 };
        var replace = new Option<bool>("--replace") { Description = "Remove the APDB's DIA data first (otherwise a non-empty APDB is refused)" };
        var command = new Command("load-history", "Synthesize a DIA history (one seeded sky, LSST-like cadence) and bulk-load it into the APDB")
        {
            preset, months, seed, replace,
        };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var presetName = parse.GetValue(preset)!;
            if (SkyPreset.Find(presetName) is null)
            {
                return CommandRunner.Fail($"load-history: unknown preset {UserText.Quote(presetName)} (expected {string.Join(", ", SkyPreset.All.Select(p => p.Name))})");
            }

            var monthCount = parse.GetValue(months);
            if (monthCount is < 1 or > 24)
            {
                return CommandRunner.Fail($"load-history: --months {monthCount} is outside 1-24");
            }

            HistoryLoadSummary summary;
            if (ShardedCommands.IsSharded(context))
            {
                summary = await ShardedCommands.LoadHistoryAsync(context, presetName, monthCount, parse.GetValue(seed), parse.GetValue(replace), ct);
                return Report(context, summary);
            }

            var dataSource = await context.GetDataSourceAsync(ct);
            await SchemaMigrator.MigrateAsync(dataSource, cancellationToken: ct);
            if (context.Json || Console.IsErrorRedirected && Console.IsOutputRedirected)
            {
                summary = await HistoryLoader.LoadAsync(dataSource, presetName, monthCount, parse.GetValue(seed), parse.GetValue(replace), null, ct);
            }
            else
            {
                summary = await RunWithProgressAsync(dataSource, presetName, monthCount, parse.GetValue(seed), parse.GetValue(replace), ct);
            }

            return Report(context, summary);
        });
        return command;
    }

    private static int Report(CliContext context, HistoryLoadSummary summary)
    {
        if (context.Json)
        {
            context.WriteJson(new
            {
                preset = summary.Preset,
                seed = summary.Seed,
                areaDeg2 = summary.AreaDeg2,
                visits = summary.Visits,
                months = summary.Months,
                rows = summary.Rows,
                seconds = summary.Seconds,
                tables = summary.Tables,
            });
        }
        else
        {
            Print(summary);
        }

        return CommandRunner.Success;
    }

    private static async Task<HistoryLoadSummary> RunWithProgressAsync(Npgsql.NpgsqlDataSource dataSource, string preset, int months, long seed, bool replace, CancellationToken ct)
    {
        HistoryLoadSummary? summary = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async progressContext =>
            {
                var generate = progressContext.AddTask("generate (visits)");
                var copy = progressContext.AddTask("copy (visits)");
                var index = progressContext.AddTask("indexes + analyze");
                var reporter = new SynchronousProgress<HistoryLoadProgress>(p =>
                {
                    generate.MaxValue = Math.Max(1, p.VisitsTotal);
                    copy.MaxValue = Math.Max(1, p.VisitsTotal);
                    generate.Value = p.VisitsGenerated;
                    copy.Value = p.VisitsCopied;
                    copy.Description = $"copy ({p.RowsCopied:N0} rows)";
                    if (p.IndexesTotal > 0)
                    {
                        index.MaxValue = p.IndexesTotal;
                        index.Value = p.IndexesBuilt;
                    }

                    if (p.Phase == HistoryLoadPhase.Complete)
                    {
                        index.Value = index.MaxValue;
                    }
                });
                summary = await HistoryLoader.LoadAsync(dataSource, preset, months, seed, replace, reporter, ct);
            });
        return summary!;
    }

    private static void Print(HistoryLoadSummary summary)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("table").AddColumn("rows", c => c.RightAligned()).AddColumn("copy s", c => c.RightAligned());
        foreach (var (name, t) in summary.Tables.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            table.AddRow(name, t.Rows.ToString("N0", CultureInfo.InvariantCulture), t.CopySeconds.ToString("F2", CultureInfo.InvariantCulture));
        }

        AnsiConsole.Write(table);
        var s = summary.Seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"loaded preset {summary.Preset} (seed {summary.Seed}, {summary.Months} months, {summary.AreaDeg2} deg^2, {summary.Visits} visits) in {s.Total:F1} s: generate {s.Generate:F1} s, copy {s.Copy:F1} s, index {s.Index:F1} s"));
    }
}
