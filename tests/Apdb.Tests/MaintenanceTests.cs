using System.Collections.Concurrent;
using Apdb.Records;
using Apdb.Tests.Shared;
using Apdb.Tests.Support;

namespace Apdb.Tests;

/// <summary>
/// The daily maintenance job (<see cref="ApdbMaintenance"/>): which partitions and objects it removes, that the
/// pipeline's reads of the window do not change, that it is idempotent, and that it keeps the store's invariants when
/// it runs beside concurrent stores. The workload's visits are 37 days apart, 16 of them about 20 months.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MaintenanceTests(PostgresServer server)
{
    private const int Visits = 16;
    private static readonly double LastVisitMjd = StoreWorkload.FirstVisitMjd + (Visits * StoreWorkload.VisitSpacingDays);

    /// <summary>Objects whose newest version ends at the job's time (the last visit): the ones it retired.</summary>
    private static readonly string ClosedByTheJob =
        $"SELECT \"diaObjectId\" FROM \"DiaObject\" o WHERE \"validityEndMjdTai\" = {LastVisitMjd} " +
        "AND NOT EXISTS (SELECT 1 FROM \"DiaObject\" n WHERE n.\"diaObjectId\" = o.\"diaObjectId\" AND n.\"validityStartMjdTai\" > o.\"validityStartMjdTai\")";

    [Fact]
    public async Task Retention_drops_only_partitions_wholly_before_the_window_and_margin()
    {
        await using var db = await StoredAsync("ret");
        var before = await PartitionEndsAsync(db);
        var rowsBefore = await db.CountAsync("SELECT count(*) FROM \"DiaSource\"");

        var report = await ApdbMaintenance.RunAsync(db.DataSource, new MaintenanceOptions());

        Assert.Equal(LastVisitMjd, report.NowMjdTai);
        Assert.Equal(LastVisitMjd - (13 * 30), report.PartitionCutoffMjdTai);
        var expectedDropped = before.Where(p => p.End <= report.PartitionCutoffMjdTai).Select(p => p.Name).Order().ToList();
        Assert.NotEmpty(expectedDropped);
        Assert.Equal(expectedDropped, report.Dropped.Select(d => d.Partition).Order().ToList());
        Assert.Equal(before.Select(p => p.Name).Except(expectedDropped).Order(), (await PartitionEndsAsync(db)).Select(p => p.Name).Order());

        var sourceRowsDropped = report.Dropped.Where(d => d.Table == "DiaSource").Sum(d => d.Rows);
        Assert.True(sourceRowsDropped > 0);
        Assert.Equal(rowsBefore - sourceRowsDropped, await db.CountAsync("SELECT count(*) FROM \"DiaSource\""));
        Assert.Equal(0, await db.CountAsync($"SELECT count(*) FROM \"DiaSource\" WHERE \"midpointMjdTai\" < {report.Dropped.Max(d => d.EndMjdTai)}"));
        Assert.Empty(await ApdbInvariants.ViolationsAsync(db.DataSource));
    }

    [Fact]
    public async Task The_pipelines_reads_of_the_window_are_the_same_after_maintenance()
    {
        await using var db = await StoredAsync("reads");
        var ids = (await db.Store.GetDiaObjectsAsync(WorkloadCone())).Select(o => o.DiaObjectId).ToList();
        var sourcesBefore = Ids(await db.Store.GetDiaSourcesAsync(WorkloadCone(), LastVisitMjd));
        var byIdBefore = Ids(await db.Store.GetDiaSourcesAsync(ids, LastVisitMjd));

        var report = await ApdbMaintenance.RunAsync(db.DataSource, new MaintenanceOptions());

        Assert.NotEmpty(report.Dropped);
        Assert.NotEmpty(sourcesBefore);
        Assert.Equal(sourcesBefore, Ids(await db.Store.GetDiaSourcesAsync(WorkloadCone(), LastVisitMjd)));
        Assert.Equal(byIdBefore, Ids(await db.Store.GetDiaSourcesAsync(ids, LastVisitMjd)));
    }

    [Fact]
    public async Task Retirement_removes_idle_one_source_objects_from_DiaObjectLast_and_keeps_their_history()
    {
        await using var db = await StoredAsync("retire");
        var cutoff = LastVisitMjd - (12 * 30);
        var expected = await IdsAsync(db, $"SELECT \"diaObjectId\" FROM \"DiaObjectLast\" WHERE \"nDiaSources\" = 1 AND \"validityStartMjdTai\" < {cutoff}");
        var kept = await IdsAsync(db, $"SELECT \"diaObjectId\" FROM \"DiaObjectLast\" WHERE NOT (\"nDiaSources\" = 1 AND \"validityStartMjdTai\" < {cutoff})");
        var versions = await db.CountAsync("SELECT count(*) FROM \"DiaObject\"");
        Assert.NotEmpty(expected);
        Assert.NotEmpty(kept);

        var report = await ApdbMaintenance.RunAsync(db.DataSource, new MaintenanceOptions { RetireBatchSize = 3 });

        Assert.Equal(expected.Count, report.RetiredObjects);
        Assert.Equal(kept, await IdsAsync(db, "SELECT \"diaObjectId\" FROM \"DiaObjectLast\""));
        Assert.Equal(versions, await db.CountAsync("SELECT count(*) FROM \"DiaObject\""));
        Assert.Equal(expected, await IdsAsync(db, ClosedByTheJob));
        Assert.Empty(await ApdbInvariants.ViolationsAsync(db.DataSource));
    }

    [Fact]
    public async Task A_second_run_changes_nothing()
    {
        await using var db = await StoredAsync("idem");
        var first = await ApdbMaintenance.RunAsync(db.DataSource, new MaintenanceOptions());
        var snapshot = await ApdbInvariants.SnapshotAsync(db.DataSource);
        var partitions = await PartitionEndsAsync(db);

        var second = await ApdbMaintenance.RunAsync(db.DataSource, new MaintenanceOptions());

        Assert.NotEmpty(first.Dropped);
        Assert.True(first.RetiredObjects > 0);
        Assert.Empty(second.Dropped);
        Assert.Equal(0, second.RetiredObjects);
        Assert.Equal(snapshot, await ApdbInvariants.SnapshotAsync(db.DataSource));
        Assert.Equal(partitions, await PartitionEndsAsync(db));
    }

    [Fact]
    public async Task A_dry_run_reports_what_a_run_does_and_changes_nothing()
    {
        await using var db = await StoredAsync("dry");
        var snapshot = await ApdbInvariants.SnapshotAsync(db.DataSource);

        var dry = await ApdbMaintenance.RunAsync(db.DataSource, new MaintenanceOptions { DryRun = true });

        Assert.True(dry.DryRun);
        Assert.Equal(snapshot, await ApdbInvariants.SnapshotAsync(db.DataSource));
        var real = await ApdbMaintenance.RunAsync(db.DataSource, new MaintenanceOptions());
        Assert.Equal(dry.Dropped, real.Dropped);
        Assert.Equal(dry.RetiredObjects, real.RetiredObjects);
    }

    [Fact]
    public async Task A_partition_left_detached_by_an_interrupted_run_is_dropped_by_the_next()
    {
        await using var db = await StoredAsync("orphan");
        var oldest = (await PartitionEndsAsync(db)).Where(p => p.Name.StartsWith("DiaSource_", StringComparison.Ordinal)).MinBy(p => p.End)!;
        await using (var detach = db.DataSource.CreateCommand($"ALTER TABLE \"DiaSource\" DETACH PARTITION \"{oldest.Name}\""))
        {
            await detach.ExecuteNonQueryAsync();
        }


        var report = await ApdbMaintenance.RunAsync(db.DataSource, new MaintenanceOptions());

        Assert.Contains(report.Dropped, d => d.Partition == oldest.Name);
        Assert.Equal(0, await db.CountAsync($"SELECT count(*) FROM pg_class WHERE relname = '{oldest.Name}'"));
    }

    [Fact]
    public async Task A_run_while_another_holds_the_job_lock_is_refused_and_changes_nothing()
    {
        await using var db = await StoredAsync("held");
        var snapshot = await ApdbInvariants.SnapshotAsync(db.DataSource);
        var partitions = await PartitionEndsAsync(db);
        await using var other = await db.DataSource.OpenConnectionAsync();
        await using (var take = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_lock({ApdbMaintenance.LockKey})", other))
        {
            await take.ExecuteNonQueryAsync();
        }

        var refused = await Assert.ThrowsAsync<ApdbUserException>(() => ApdbMaintenance.RunAsync(db.DataSource, new MaintenanceOptions()));
        var dry = await ApdbMaintenance.RunAsync(db.DataSource, new MaintenanceOptions { DryRun = true });

        Assert.Contains("another maintain is running on database", refused.Message, StringComparison.Ordinal);
        Assert.NotEmpty(dry.Dropped);
        Assert.Equal(snapshot, await ApdbInvariants.SnapshotAsync(db.DataSource));
        Assert.Equal(partitions, await PartitionEndsAsync(db));
        await using (var release = new Npgsql.NpgsqlCommand($"SELECT pg_advisory_unlock({ApdbMaintenance.LockKey})", other))
        {
            await release.ExecuteNonQueryAsync();
        }

        Assert.Equal(dry.Dropped, (await ApdbMaintenance.RunAsync(db.DataSource, new MaintenanceOptions())).Dropped);
    }

    [Fact]
    public async Task Two_runs_at_once_drop_and_retire_everything_exactly_once()
    {
        await using var db = await StoredAsync("twice");
        var expected = await ApdbMaintenance.RunAsync(db.DataSource, new MaintenanceOptions { DryRun = true });

        var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            try
            {
                return await ApdbMaintenance.RunAsync(db.DataSource, new MaintenanceOptions());
            }
            catch (ApdbUserException ex) when (ex.Message.Contains("another maintain is running", StringComparison.Ordinal))
            {
                return null;
            }
        })));

        // Either the second was refused, or it started after the first had finished and found nothing to do.
        var done = runs.OfType<MaintenanceReport>().ToList();
        Assert.NotEmpty(done);
        Assert.Equal(expected.Dropped.Select(d => d.Partition).Order(), done.SelectMany(r => r.Dropped).Select(d => d.Partition).Order());
        Assert.Equal(expected.RetiredObjects, done.Sum(r => r.RetiredObjects));
        Assert.Empty(await ApdbInvariants.ViolationsAsync(db.DataSource));
    }

    [Fact]
    public async Task A_store_for_a_retired_object_gives_it_an_open_version_again()
    {
        await using var db = await StoredAsync("revive");
        await ApdbMaintenance.RunAsync(db.DataSource, new MaintenanceOptions());
        var retired = (await IdsAsync(db, ClosedByTheJob))[0];

        var later = LastVisitMjd + StoreWorkload.VisitSpacingDays;
        var source = new DiaSource
        {
            DiaSourceId = 9_999_001, DiaObjectId = retired, Visit = 99, Detector = 0, MidpointMjdTai = later,
            Ra = 10.0, Dec = -30.0, Band = "r", PsfFlux = 1000, PsfFluxErr = 10,
        };
        await db.Store.StoreAsync(new DetectorVisit(99, 0), later, CountingSummarizer.Instance, [source], []);

        Assert.Equal(1, await db.CountAsync($"SELECT count(*) FROM \"DiaObjectLast\" WHERE \"diaObjectId\" = {retired} AND \"validityStartMjdTai\" = {later}"));
        // The retired version, closed by the job, now ends where the new one starts, as any predecessor does.
        Assert.Equal(1, await db.CountAsync($"SELECT count(*) FROM \"DiaObject\" WHERE \"diaObjectId\" = {retired} AND \"validityEndMjdTai\" = {later}"));
        Assert.Equal(0, await db.CountAsync($"SELECT count(*) FROM \"DiaObject\" WHERE \"diaObjectId\" = {retired} AND \"validityEndMjdTai\" = {LastVisitMjd}"));
        Assert.Empty(await ApdbInvariants.ViolationsAsync(db.DataSource));
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    public async Task Maintenance_beside_concurrent_out_of_order_stores_keeps_every_invariant(int seed)
    {
        var jobs = StoreWorkload.Create(seed, Visits, detectors: 3, objects: 8);
        await using var db = await ApdbDatabase.CreateAsync(server, "mconc");
        var early = jobs.Where(j => j.DetectorVisit.Visit <= 8).ToList();
        foreach (var job in early)
        {
            await StoreAsync(db.Store, job);
        }

        var queue = new ConcurrentQueue<StoreJob>(jobs.Except(early).OrderBy(j => HashCode.Combine(seed, j.DetectorVisit.Visit, j.DetectorVisit.Detector)));
        var options = new MaintenanceOptions { NowMjdTai = LastVisitMjd, RetireBatchSize = 2 };
        using var stop = new CancellationTokenSource();
        var maintenanceRuns = 0;
        var maintain = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await ApdbMaintenance.RunAsync(db.DataSource, options);
                maintenanceRuns++;
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var job))
            {
                await StoreAsync(db.Store, job);
            }
        })));
        await stop.CancelAsync();
        await maintain;
        await ApdbMaintenance.RunAsync(db.DataSource, options);

        Assert.True(maintenanceRuns > 0);
        Assert.Empty(await ApdbInvariants.ViolationsAsync(db.DataSource));
        var cutoff = LastVisitMjd - (13 * 30);
        var expectedSources = jobs.SelectMany(j => j.Sources).Where(s => s.MidpointMjdTai >= cutoff).Select(s => s.DiaSourceId).Order().ToList();
        Assert.Equal(expectedSources, await IdsAsync(db, $"SELECT \"diaSourceId\" FROM \"DiaSource\" WHERE \"midpointMjdTai\" >= {cutoff}"));
        Assert.Empty(await ApdbInvariants.SummaryViolationsAsync(db.DataSource, since: cutoff + 360));
        Assert.Equal(jobs.Count, await db.CountAsync("SELECT count(*) FROM apdb_visit_detector"));
    }

    private async Task<ApdbDatabase> StoredAsync(string prefix)
    {
        var db = await ApdbDatabase.CreateAsync(server, prefix);
        foreach (var job in StoreWorkload.Create(seed: 3, Visits, detectors: 2, objects: 6))
        {
            await StoreAsync(db.Store, job);
        }

        return db;
    }

    private static Task StoreAsync(ApdbStore store, StoreJob job) =>
        store.StoreAsync(job.DetectorVisit, job.VisitMjdTai, CountingSummarizer.Instance, StoreWorkload.Copy(job), []);

    /// <summary>A cone over the whole workload (its objects sit within 0.1 deg of RA 10, Dec -30).</summary>
    private static Sky.SkyCone WorkloadCone() => new(Sky.SkyPosition.FromDegrees(10.05, -30.0), 0.5);

    private static List<long> Ids(IEnumerable<DiaSource> sources) => [.. sources.Select(s => s.DiaSourceId).Order()];

    private static async Task<List<long>> IdsAsync(ApdbDatabase db, string sql)
    {
        await using var command = db.DataSource.CreateCommand(sql + " ORDER BY 1");
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private static async Task<List<(string Name, double End)>> PartitionEndsAsync(ApdbDatabase db)
    {
        await using var command = db.DataSource.CreateCommand(
            "SELECT c.relname, substring(pg_get_expr(c.relpartbound, c.oid) from 'TO \\(''?([-0-9.]+)')::float8 FROM pg_inherits i " +
            "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent " +
            "WHERE p.relname IN ('DiaSource', 'DiaForcedSource', 'DiaSourcePacked', 'DiaForcedSourcePacked') ORDER BY 1");
        await using var reader = await command.ExecuteReaderAsync();
        var partitions = new List<(string, double)>();
        while (await reader.ReadAsync())
        {
            partitions.Add((reader.GetString(0), reader.GetDouble(1)));
        }

        return partitions;
    }
}
