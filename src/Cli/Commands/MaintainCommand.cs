using System.CommandLine;
using System.Globalization;
using Apdb.Sharded;
using Spectre.Console;

namespace Apdb.Cli.Commands;

/// <summary>
/// <c>maintain [--now MJD] [--window-months 12] [--margin-months 1] [--retire-after-months 12] [--dry-run]</c>: the
/// APDB's daily job (<see cref="ApdbMaintenance"/>): drop the monthly source partitions older than the read window plus
/// a margin, and retire idle one-source DiaObjects from DiaObjectLast. On a sharded APDB every shard runs it at the same
/// time value.
/// </summary>
internal static class MaintainCommand
{
    public static void AddTo(RootCommand root) => root.Subcommands.Add(Create());

    private static Command Create()
    {
        var now = new Option<double?>("--now") { Description = "The job's time, MJD TAI (default: the latest stored visit)" };
        var window = new Option<int>("--window-months") { Description = "Months the pipeline reads back (at least the 12-month read window); never dropped", DefaultValueFactory = _ => 12 };
        var margin = new Option<int>("--margin-months") { Description = "Months kept beyond the window", DefaultValueFactory = _ => 1 };
        var retire = new Option<int>("--retire-after-months")
        {
            Description = "Retire DiaObjects with one DiaSource and nothing new for this long", DefaultValueFactory = _ => 12,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Say what would be dropped and retired; change nothing" };
        var command = new Command("maintain", "The daily job: drop source partitions past the window, retire idle one-source DiaObjects")
        {
            now, window, margin, retire, dryRun,
        };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var options = new MaintenanceOptions
            {
                NowMjdTai = parse.GetValue(now),
                WindowMonths = parse.GetValue(window),
                MarginMonths = parse.GetValue(margin),
                RetireAfterMonths = parse.GetValue(retire),
                DryRun = parse.GetValue(dryRun),
            };
            options.Validate();
            var progress = context.Json ? null : new SynchronousProgress<string>(line => Console.Error.WriteLine("maintain: " + line));
            var reports = ShardedCommands.IsSharded(context)
                ? await OnShardsAsync(context, options, progress, ct)
                : [await ApdbMaintenance.RunAsync(await context.GetDataSourceAsync(ct), options, progress, ct)];
            Report(context, reports);
            return CommandRunner.Success;
        });
        return command;
    }

    /// <summary>The sharded run's own lock key, on the lock server (not a shard's <see cref="ApdbMaintenance.LockKey"/>).</summary>
    private const long ShardedLockKey = 4242005;

    /// <summary>Every shard at one time value: the one given, or the latest visit in any shard's registry.</summary>
    private static async Task<MaintenanceReport[]> OnShardsAsync(CliContext context, MaintenanceOptions options, IProgress<string>? progress, CancellationToken ct)
    {
        var (target, _) = await ShardedCommands.TargetAsync(context, null, ct);
        await using var apdb = await ShardedApdb.OpenAsync(target, ct);
        // One run over the whole APDB at a time: without this, two runs could each take some shards' locks and both
        // work; with it, the second is refused before any shard is touched. Each shard's run still takes its own lock.
        await using var gate = options.DryRun ? null : await SessionLock.TryAcquireAsync(apdb.LockServer, ShardedLockKey, ApdbMaintenance.RunningRefusal, ct);
        if (options.NowMjdTai is null)
        {
            var latest = await apdb.OnEveryShardAsync((_, shard) => ApdbMaintenance.LatestVisitAsync(shard, ct));
            options = options with
            {
                NowMjdTai = latest.Max() ?? throw new ApdbUserException("maintain: the APDB has no stored visits to take the time from; give the time (--now MJD)"),
            };
        }

        return await apdb.OnEveryShardAsync((i, shard) => ApdbMaintenance.RunAsync(
            shard, options, progress is null ? null : new SynchronousProgress<string>(line => progress.Report($"shard {i}: {line}")), ct));
    }

    private static void Report(CliContext context, MaintenanceReport[] reports)
    {
        var first = reports[0];
        var dropped = reports.SelectMany(r => r.Dropped).ToList();
        var retired = reports.Sum(r => r.RetiredObjects);
        if (context.Json)
        {
            context.WriteJson(new
            {
                nowMjdTai = first.NowMjdTai,
                partitionCutoffMjdTai = first.PartitionCutoffMjdTai,
                retireCutoffMjdTai = first.RetireCutoffMjdTai,
                dryRun = first.DryRun,
                shards = reports.Length,
                dropped = dropped.Select(d => new { table = d.Table, partition = d.Partition, endMjdTai = d.EndMjdTai, rows = d.Rows, bytes = d.Bytes }),
                retiredObjects = retired,
            });
            return;
        }

        if (dropped.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("partition").AddColumn("ends (MJD)", c => c.RightAligned())
                .AddColumn("rows", c => c.RightAligned()).AddColumn("MB", c => c.RightAligned());
            foreach (var d in dropped.OrderBy(d => d.EndMjdTai).ThenBy(d => d.Partition, StringComparer.Ordinal))
            {
                table.AddRow(d.Partition, d.EndMjdTai.ToString("F0", CultureInfo.InvariantCulture), d.Rows.ToString("N0", CultureInfo.InvariantCulture),
                    (d.Bytes / 1e6).ToString("F1", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
        }

        var verb = first.DryRun ? "would drop" : "dropped";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"maintain at MJD {first.NowMjdTai:F3}{(reports.Length > 1 ? $" on {reports.Length} shards" : string.Empty)}: {verb} {dropped.Count} partitions " +
            $"ending by MJD {first.PartitionCutoffMjdTai:F1} ({dropped.Sum(d => d.Rows):N0} rows, {dropped.Sum(d => d.Bytes) / 1e6:F1} MB); " +
            $"{(first.DryRun ? "would retire" : "retired")} {retired:N0} one-source DiaObjects idle since MJD {first.RetireCutoffMjdTai:F1}"));
    }
}
