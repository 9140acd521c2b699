using System.Collections.Concurrent;
using Apdb.Embedded;
using Apdb.Tests.Shared;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Tests;

/// <summary>
/// The store under the conditions of prompt processing: detector-visits out of order, many at once with overlapping
/// objects, replayed, and with backends killed and the server restarted under it. After each run the invariants
/// (<see cref="ApdbInvariants"/>) hold and the APDB equals the one that storing the same detector-visits one by one in
/// visit order produces.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StoreConcurrencyTests(PostgresServer server)
{
    private const string ApplicationName = "apdb-store-under-test";

    [Fact]
    public async Task Out_of_order_stores_give_the_same_APDB_as_in_order_ones()
    {
        var jobs = StoreWorkload.Create(seed: 1, visits: 8, detectors: 3, objects: 12);
        var expected = await InOrderSnapshotAsync(jobs);

        await using var db = await ApdbDatabase.CreateAsync(server, "ooo");
        foreach (var job in Enumerable.Reverse(jobs))
        {
            await StoreAsync(db.Store, job);
        }

        await AssertConvergedAsync(db, expected);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public async Task Concurrent_stores_of_shuffled_detector_visits_keep_every_invariant(int seed)
    {
        var jobs = StoreWorkload.Create(seed, visits: 8, detectors: 4, objects: 10);
        var expected = await InOrderSnapshotAsync(jobs);

        await using var db = await ApdbDatabase.CreateAsync(server, "conc");
        var failed = await RunConcurrentlyAsync(db.Store, Shuffle(jobs, seed), workers: 6);

        Assert.Empty(failed);
        await AssertConvergedAsync(db, expected);
    }

    [Fact]
    public async Task Backends_killed_mid_store_leave_nothing_partial_and_a_replay_converges()
    {
        var jobs = StoreWorkload.Create(seed: 21, visits: 8, detectors: 4, objects: 10);
        var expected = await InOrderSnapshotAsync(jobs);

        await using var db = await ApdbDatabase.CreateAsync(server, "kill");
        await using var store = KillableDataSource(db.ConnectionString);
        using var stop = new CancellationTokenSource();
        var killer = KillLoopAsync(db.ConnectionString, stop.Token);
        var failed = await RunConcurrentlyAsync(new ApdbStore(store), Shuffle(jobs, 21), workers: 4);
        await stop.CancelAsync();
        var kills = await killer;

        Assert.True(kills > 0, "the killer never found a store backend to terminate");
        Assert.Empty(await ApdbInvariants.ViolationsAsync(db.DataSource));
        await ReplayAsync(db.Store, failed);
        await AssertConvergedAsync(db, expected);
        await AssertReplaysAreRefusedAsync(db, jobs, expected);
    }

    [Fact]
    public async Task A_server_restart_mid_run_leaves_nothing_partial_and_a_replay_converges()
    {
        if (server.Embedded is not { } embedded)
        {
            return; // A server the tests do not run cannot be restarted by them.
        }

        var jobs = StoreWorkload.Create(seed: 31, visits: 8, detectors: 4, objects: 10);
        var expected = await InOrderSnapshotAsync(jobs);

        await using var db = await ApdbDatabase.CreateAsync(server, "restart");
        var stored = 0;
        var restart = Task.Run(async () =>
        {
            while (Volatile.Read(ref stored) < jobs.Count / 3)
            {
                await Task.Delay(5);
            }

            // The server's output goes to its log: a restarted server must not hold the runner's pipes open.
            var binaries = await PostgresBinaries.LocateAsync();
            var result = await ProcessRunner.RunAsync(binaries.Tool("pg_ctl"), ["-D", embedded.DataDirectory, "-l", Path.Combine(embedded.DataDirectory, "server.log"), "-m", "fast", "-w", "-t", "60", "restart"], asServerUser: true);
            Assert.Equal(0, result.ExitCode);
        });
        var failed = await RunConcurrentlyAsync(db.Store, Shuffle(jobs, 31), workers: 4, () => Interlocked.Increment(ref stored));
        await restart;
        NpgsqlConnection.ClearAllPools();

        Assert.Empty(await ApdbInvariants.ViolationsAsync(db.DataSource));
        await ReplayAsync(db.Store, failed);
        await AssertConvergedAsync(db, expected);
    }

    [Fact]
    public async Task Two_concurrent_stores_of_one_detector_visit_write_it_once()
    {
        var jobs = StoreWorkload.Create(seed: 41, visits: 2, detectors: 1, objects: 10);
        await using var db = await ApdbDatabase.CreateAsync(server, "twice");
        await StoreAsync(db.Store, jobs[0]);

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            try
            {
                await StoreAsync(db.Store, jobs[1]);
                return "stored";
            }
            catch (ApdbUserException ex) when (ex.Message.Contains("already stored", StringComparison.Ordinal))
            {
                return "refused";
            }
        })));

        Assert.Equal(["refused", "stored"], results.Order());
        Assert.Equal(jobs.Sum(j => j.Sources.Count), await db.CountAsync("SELECT count(*) FROM \"DiaSource\""));
        Assert.Empty(await ApdbInvariants.ViolationsAsync(db.DataSource));
        Assert.Empty(await ApdbInvariants.SummaryViolationsAsync(db.DataSource));
    }

    private static Task StoreAsync(ApdbStore store, StoreJob job) =>
        store.StoreAsync(job.DetectorVisit, job.VisitMjdTai, CountingSummarizer.Instance, StoreWorkload.Copy(job), []);

    private async Task<List<string>> InOrderSnapshotAsync(List<StoreJob> jobs)
    {
        await using var db = await ApdbDatabase.CreateAsync(server, "inorder");
        foreach (var job in jobs.OrderBy(j => j.VisitMjdTai).ThenBy(j => j.DetectorVisit.Detector))
        {
            await StoreAsync(db.Store, job);
        }

        Assert.Empty(await ApdbInvariants.ViolationsAsync(db.DataSource));
        Assert.Empty(await ApdbInvariants.SummaryViolationsAsync(db.DataSource));
        return await ApdbInvariants.SnapshotAsync(db.DataSource);
    }

    private static async Task AssertConvergedAsync(ApdbDatabase db, List<string> expected)
    {
        Assert.Empty(await ApdbInvariants.ViolationsAsync(db.DataSource));
        Assert.Empty(await ApdbInvariants.SummaryViolationsAsync(db.DataSource));
        var actual = await ApdbInvariants.SnapshotAsync(db.DataSource);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected, actual);
    }

    private static async Task AssertReplaysAreRefusedAsync(ApdbDatabase db, List<StoreJob> jobs, List<string> expected)
    {
        foreach (var job in jobs)
        {
            var ex = await Assert.ThrowsAsync<ApdbUserException>(() => StoreAsync(db.Store, job));
            Assert.Contains("already stored", ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(expected, await ApdbInvariants.SnapshotAsync(db.DataSource));
    }

    /// <summary>Stores the jobs from a shared queue on several workers; returns the jobs whose store failed.</summary>
    private static async Task<List<StoreJob>> RunConcurrentlyAsync(ApdbStore store, IEnumerable<StoreJob> jobs, int workers, Action? onStored = null)
    {
        var queue = new ConcurrentQueue<StoreJob>(jobs);
        var failed = new ConcurrentBag<StoreJob>();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var job))
            {
                try
                {
                    await StoreAsync(store, job);
                    onStored?.Invoke();
                }
                catch (Exception ex) when (ex is NpgsqlException or ApdbUserException or InvalidOperationException or IOException)
                {
                    failed.Add(job);
                }
            }
        })));
        return [.. failed];
    }

    /// <summary>Stores failed jobs again, one at a time; one that did commit after all is refused as already stored.</summary>
    private static async Task ReplayAsync(ApdbStore store, List<StoreJob> failed)
    {
        foreach (var job in failed)
        {
            try
            {
                await StoreAsync(store, job);
            }
            catch (ApdbUserException ex) when (ex.Message.Contains("already stored", StringComparison.Ordinal))
            {
            }
        }
    }

    private static NpgsqlDataSource KillableDataSource(string connectionString) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = ApplicationName }.ConnectionString);

    /// <summary>Terminates the store's backends at random moments until cancelled; returns how many it terminated.</summary>
    private static async Task<int> KillLoopAsync(string connectionString, CancellationToken cancellationToken)
    {
        var random = new Random(5);
        var kills = 0;
        await using var admin = new NpgsqlConnection(connectionString);
        await admin.OpenAsync(CancellationToken.None);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(random.Next(5, 40), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await using var kill = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @a AND state <> 'idle'", admin);
            kill.Parameters.AddWithValue("a", ApplicationName);
            kills += Convert.ToInt32(await kill.ExecuteScalarAsync(CancellationToken.None), System.Globalization.CultureInfo.InvariantCulture);
        }

        return kills;
    }

    private static List<StoreJob> Shuffle(List<StoreJob> jobs, int seed)
    {
        var copy = jobs.ToList();
        new Random(seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(copy));
        return copy;
    }
}
