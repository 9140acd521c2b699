using Apdb.Records;
using Apdb.Sharded.Tests.Support;
using Apdb.Sky;
using Apdb.Tests.Shared;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Sharded.Tests;

/// <summary>
/// Stores on a 3-shard APDB against the same stores on one server: the same rows, versions and registry (compared
/// through the coordinator, which sees the shards as one APDB), and the sharded store's own promises.
/// </summary>
[Collection(ShardedCollection.Name)]
public sealed class ShardedStoreTests(ShardedServer server) : IAsyncLifetime
{
    // Cuts between the depth-13 pixels the workload's sources fall in, a third of them on each shard.
    private static readonly ShardLayout Layout = CutThrough(StoreWorkload.Create(seed: 7, visits: 6, detectors: 2, objects: 12));

    private ShardedFixture _f = null!;

    public async Task InitializeAsync() => _f = await ShardedFixture.CreateAsync(server, "store", Layout);

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public void Each_shard_reads_through_the_single_servers_buffer()
    {
        Assert.All(_f.Sharded.Shards, shard =>
            Assert.Equal(ApdbConnector.DefaultReadBufferSize, new NpgsqlConnectionStringBuilder(shard.ConnectionString).ReadBufferSize));
    }

    [Fact]
    public async Task Stores_over_three_shards_give_the_same_APDB_as_one_server()
    {
        var jobs = StoreWorkload.Create(seed: 7, visits: 6, detectors: 2, objects: 12);
        foreach (var job in jobs.OrderBy(j => j.DetectorVisit.Detector).ThenByDescending(j => j.VisitMjdTai))
        {
            // Late visits first: versions are inserted into the middle of histories, on whichever shard they live.
            await _f.SingleStore.StoreAsync(job.DetectorVisit, job.VisitMjdTai, CountingSummarizer.Instance, StoreWorkload.Copy(job), []);
            await _f.Sharded.StoreAsync(job.DetectorVisit, job.VisitMjdTai, CountingSummarizer.Instance, StoreWorkload.Copy(job), []);
        }

        var shardsWithRows = 0;
        foreach (var shard in _f.Sharded.Shards)
        {
            shardsWithRows += await _f.CountAsync(shard, "SELECT count(*) FROM \"DiaSource\"") > 0 ? 1 : 0;
        }

        Assert.Equal(3, shardsWithRows);
        Assert.Equal(await ApdbInvariants.SnapshotAsync(_f.Single), await ApdbInvariants.SnapshotAsync(_f.Coordinator));
        Assert.Empty(await ApdbInvariants.ViolationsAsync(_f.Coordinator));
        Assert.Empty(await ApdbInvariants.SummaryViolationsAsync(_f.Coordinator));
        Assert.True(await MarkersAsync() > 0, "no store crossed a shard cut");
    }

    [Fact]
    public async Task Concurrent_shuffled_stores_on_shards_equal_the_same_stores_one_by_one_on_one_server()
    {
        var jobs = StoreWorkload.Create(seed: 11, visits: 4, detectors: 3, objects: 12)
            .Select(j => j with { DetectorVisit = new DetectorVisit(j.DetectorVisit.Visit + 500, j.DetectorVisit.Detector), Sources = Renumber(j, 500) }).ToList();
        foreach (var job in jobs)
        {
            await _f.SingleStore.StoreAsync(job.DetectorVisit, job.VisitMjdTai, CountingSummarizer.Instance, StoreWorkload.Copy(job), []);
        }

        var shuffled = jobs.OrderBy(j => (j.DetectorVisit.Visit * 7919) % 13 + j.DetectorVisit.Detector).ToList();
        await Parallel.ForEachAsync(shuffled, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (job, ct) =>
            await _f.Sharded.StoreAsync(job.DetectorVisit, job.VisitMjdTai, CountingSummarizer.Instance, StoreWorkload.Copy(job), [], cancellationToken: ct));

        Assert.Equal(await ApdbInvariants.SnapshotAsync(_f.Single), await ApdbInvariants.SnapshotAsync(_f.Coordinator));
        Assert.Empty(await ApdbInvariants.ViolationsAsync(_f.Coordinator));
        Assert.Empty(await ApdbInvariants.SummaryViolationsAsync(_f.Coordinator));
    }

    [Fact]
    public async Task Replacing_detector_visits_across_shards_gives_the_same_APDB_as_replacing_them_on_one_server()
    {
        var jobs = StoreWorkload.Create(seed: 7, visits: 6, detectors: 2, objects: 12);
        foreach (var job in jobs)
        {
            await _f.SingleStore.StoreAsync(job.DetectorVisit, job.VisitMjdTai, CountingSummarizer.Instance, StoreWorkload.Copy(job), []);
            await _f.Sharded.StoreAsync(job.DetectorVisit, job.VisitMjdTai, CountingSummarizer.Instance, StoreWorkload.Copy(job), []);
        }

        // Visits 2 and 4 again, in the middle of the histories: half an hour later, fluxes changed, the first source
        // dropped and every position moved 20" east (across a cut for the sources near one).
        var replace = new StoreOptions { ReplaceExisting = true };
        var markersBefore = await MarkersAsync();
        foreach (var job in jobs.Where(j => j.DetectorVisit.Visit is 2 or 4))
        {
            List<DiaSource> Again()
            {
                var sources = StoreWorkload.Copy(job).Skip(1).ToList();
                foreach (var s in sources)
                {
                    s.Ra += 20.0 / 3600;
                    s.PsfFlux *= 1.5f;
                    s.MidpointMjdTai += 0.02;
                }

                return sources;
            }

            var one = await _f.SingleStore.StoreAsync(job.DetectorVisit, job.VisitMjdTai + 0.02, CountingSummarizer.Instance, Again(), [], replace);
            var sharded = await _f.Sharded.StoreAsync(job.DetectorVisit, job.VisitMjdTai + 0.02, CountingSummarizer.Instance, Again(), [], replace);
            Assert.True(sharded.Replaced);
            Assert.Equal((one.DiaObjects, one.DiaObjectsClosed, one.DiaSources), (sharded.DiaObjects, sharded.DiaObjectsClosed, sharded.DiaSources));
        }

        Assert.True(await MarkersAsync() > markersBefore, "no replace crossed a shard cut");
        Assert.Equal(await ApdbInvariants.SnapshotAsync(_f.Single), await ApdbInvariants.SnapshotAsync(_f.Coordinator));
        Assert.Empty(await ApdbInvariants.ViolationsAsync(_f.Coordinator));
        // The single server's replace does not summarise again the later versions of an object that lost a source
        // (ApdbStore's rule); the shards keep the same rule, so they hold the same stale summaries, no more.
        Assert.Equal(await ApdbInvariants.SummaryViolationsAsync(_f.Single), await ApdbInvariants.SummaryViolationsAsync(_f.Coordinator));
    }

    [Fact]
    public async Task A_replace_cut_off_before_its_commit_leaves_the_stored_detector_visit_as_it_was()
    {
        var (a, b) = PositionsEitherSideOfCut(1);
        var dv = new DetectorVisit(940, 2);
        await _f.Sharded.StoreAsync(dv, 60500, CountingSummarizer.Instance, [Source(dv, 9_400_001, a, 60500), Source(dv, 9_400_002, b, 60500)], []);
        var before = await ApdbInvariants.SnapshotAsync(_f.Coordinator);
        _f.Sharded.BeforeCommitPrepared = _ => throw new IOException("simulated crash");
        try
        {
            await Assert.ThrowsAsync<IOException>(() => _f.Sharded.StoreAsync(
                dv, 60500.5, CountingSummarizer.Instance, [Source(dv, 9_400_003, b, 60500.5)], [], new StoreOptions { ReplaceExisting = true }));
        }
        finally
        {
            _f.Sharded.BeforeCommitPrepared = null;
        }

        Assert.Equal((0, 1), await _f.Sharded.RecoverAsync());
        Assert.Equal(before, await ApdbInvariants.SnapshotAsync(_f.Coordinator));
        Assert.True(await _f.Sharded.ContainsVisitDetectorAsync(dv));
    }

    private static List<DiaSource> Renumber(StoreJob job, long visitOffset) =>
        [.. StoreWorkload.Copy(job).Select(s =>
        {
            s.Visit += visitOffset;
            s.DiaSourceId += visitOffset * 10_000;
            if (s.DiaObjectId is { } id && id > 10_000)
            {
                s.DiaObjectId = id + (visitOffset * 10_000);
            }

            return s;
        })];

    [Fact]
    public async Task An_object_that_moves_across_a_cut_keeps_one_chained_history_and_one_last_row()
    {
        var (a, b) = PositionsEitherSideOfCut(1);
        var first = new DetectorVisit(900, 1);
        var second = new DetectorVisit(901, 1);
        foreach (var (dv, mjd, p) in new[] { (first, 60100.0, a), (second, 60130.0, b) })
        {
            var obj = new DiaObject { DiaObjectId = 5_000_001, Ra = p.RaDeg, Dec = p.DecDeg, NDiaSources = 1 };
            var twin = new DiaObject { DiaObjectId = 5_000_001, Ra = p.RaDeg, Dec = p.DecDeg, NDiaSources = 1 };
            await _f.SingleStore.StoreAsync(dv, mjd, [obj], [], []);
            await _f.Sharded.StoreAsync(dv, mjd, [twin], [], []);
        }

        Assert.Equal(1, await _f.CountAsync(_f.Coordinator, "SELECT count(*) FROM apdb_shard_0.\"DiaObject\" WHERE \"diaObjectId\" = 5000001"));
        Assert.Equal(1, await _f.CountAsync(_f.Coordinator, "SELECT count(*) FROM apdb_shard_1.\"DiaObjectLast\" WHERE \"diaObjectId\" = 5000001"));
        Assert.Equal(0, await _f.CountAsync(_f.Coordinator, "SELECT count(*) FROM apdb_shard_0.\"DiaObjectLast\" WHERE \"diaObjectId\" = 5000001"));
        Assert.Equal(await ApdbInvariants.SnapshotAsync(_f.Single), await ApdbInvariants.SnapshotAsync(_f.Coordinator));
        Assert.Empty(await ApdbInvariants.ViolationsAsync(_f.Coordinator));
    }

    [Fact]
    public async Task A_store_on_one_shard_is_one_transaction_and_a_replay_is_refused()
    {
        var (a, _) = PositionsEitherSideOfCut(1);
        var dv = new DetectorVisit(910, 3);
        var sources = new[] { Source(dv, 9_100_001, a, 60200), Source(dv, 9_100_002, a, 60200) };
        await _f.Sharded.StoreAsync(dv, 60200, CountingSummarizer.Instance, sources, []);
        Assert.Equal(0, await MarkersAsync());
        Assert.True(await _f.Sharded.ContainsVisitDetectorAsync(dv));
        var again = await Assert.ThrowsAsync<ApdbUserException>(() => _f.Sharded.StoreAsync(dv, 60200, CountingSummarizer.Instance, [Source(dv, 9_100_003, a, 60200)], []));
        Assert.Contains("already stored", again.Message, StringComparison.Ordinal);
        Assert.Equal(2, await _f.CountAsync(_f.Coordinator, "SELECT count(*) FROM \"DiaSource\" WHERE visit = 910"));
    }

    [Fact]
    public async Task A_shard_that_is_down_is_named_and_nothing_of_the_detector_visit_is_written()
    {
        var (a, b) = PositionsEitherSideOfCut(1);
        var dv = new DetectorVisit(920, 4);
        var shards = _f.Target.Shards.ToArray();
        shards[1] = new NpgsqlConnectionStringBuilder(shards[1]) { Port = FreePort(), Timeout = 3 }.ConnectionString;
        var dataSources = shards.Select(NpgsqlDataSource.Create).ToArray();
        var broken = ShardedApdb.Create(_f.Layout, dataSources);
        try
        {
            var error = await Assert.ThrowsAsync<ApdbUserException>(() =>
                broken.StoreAsync(dv, 60300, CountingSummarizer.Instance, [Source(dv, 9_200_001, a, 60300), Source(dv, 9_200_002, b, 60300)], []));
            Assert.StartsWith("shard 1 (", error.Message, StringComparison.Ordinal);
            Assert.Contains("unavailable", error.Message, StringComparison.Ordinal);
            var read = await Assert.ThrowsAsync<ApdbUserException>(() => broken.GetDiaObjectsAsync(new SkyCone(b, 0.001)));
            Assert.StartsWith("shard 1 (", read.Message, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var ds in dataSources)
            {
                await ds.DisposeAsync();
            }
        }

        Assert.Equal(0, await _f.CountAsync(_f.Coordinator, "SELECT count(*) FROM \"DiaSource\" WHERE visit = 920"));
        Assert.False(await _f.Sharded.ContainsVisitDetectorAsync(dv));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    public async Task A_cross_shard_store_cut_off_in_its_commit_phase_converges_to_one_copy(int commitsBeforeCrash, bool survives)
    {
        var (a, b) = PositionsEitherSideOfCut(1);
        var dv = new DetectorVisit(930 + commitsBeforeCrash, 5);
        DiaSource[] Sources() => [Source(dv, (dv.Visit * 1000) + 1, a, 60400), Source(dv, (dv.Visit * 1000) + 2, b, 60400)];
        var commits = 0;
        _f.Sharded.BeforeCommitPrepared = _ => commits++ == commitsBeforeCrash ? throw new IOException("simulated crash") : Task.CompletedTask;
        try
        {
            await Assert.ThrowsAsync<IOException>(() => _f.Sharded.StoreAsync(dv, 60400, CountingSummarizer.Instance, Sources(), []));
        }
        finally
        {
            _f.Sharded.BeforeCommitPrepared = null;
        }

        Assert.False(await _f.Sharded.ContainsVisitDetectorAsync(dv));
        var (committed, rolledBack) = await _f.Sharded.RecoverAsync();
        Assert.Equal(survives ? (1, 0) : (0, 1), (committed, rolledBack));
        Assert.Equal(survives, await _f.Sharded.ContainsVisitDetectorAsync(dv));
        Assert.Equal(survives ? 2 : 0, await _f.CountAsync(_f.Coordinator, $"SELECT count(*) FROM \"DiaSource\" WHERE visit = {dv.Visit}"));
        if (!survives)
        {
            // The replay after a rollback stores the detector-visit once.
            await _f.Sharded.StoreAsync(dv, 60400, CountingSummarizer.Instance, Sources(), []);
        }
        else
        {
            await Assert.ThrowsAsync<ApdbUserException>(() => _f.Sharded.StoreAsync(dv, 60400, CountingSummarizer.Instance, Sources(), []));
        }

        Assert.Equal(2, await _f.CountAsync(_f.Coordinator, $"SELECT count(*) FROM \"DiaSource\" WHERE visit = {dv.Visit}"));
        Assert.Equal(0, await _f.CountAsync(_f.Sharded.Shards[0], "SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()"));
        Assert.Empty(await ApdbInvariants.ViolationsAsync(_f.Coordinator));
    }

    private static ShardLayout CutThrough(List<StoreJob> jobs)
    {
        var pixels = jobs.SelectMany(j => j.Sources).Select(s => HealpixNested.Hash(13, s.Ra, s.Dec)).Distinct().Order().ToList();
        Assert.True(pixels.Count >= 3, "the workload's sources fall in fewer than 3 depth-13 pixels");
        return new ShardLayout(13, [pixels[pixels.Count / 3] << 32, pixels[2 * pixels.Count / 3] << 32]);
    }

    private async Task<long> MarkersAsync()
    {
        long total = 0;
        foreach (var shard in _f.Sharded.Shards)
        {
            total += await _f.CountAsync(shard, "SELECT count(*) FROM apdb_store_part");
        }

        return total;
    }

    /// <summary>Two positions 1" apart, the first on the shard before the cut, the second on the shard after it.</summary>
    private static (SkyPosition Before, SkyPosition After) PositionsEitherSideOfCut(int cut)
    {
        var boundary = Layout.Boundaries[cut - 1];
        var after = HealpixNested.Center(HealpixNested.MaxDepth, boundary);
        for (var step = 1; step < 400; step++)
        {
            foreach (var (dra, ddec) in new[] { (1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0) })
            {
                var p = SkyPosition.FromDegrees(after.RaDeg + (dra * step / 3600.0 / Math.Cos(after.DecDeg * Math.PI / 180)), after.DecDeg + (ddec * step / 3600.0));
                if (Layout.ShardOf(HealpixNested.Hash(HealpixNested.MaxDepth, p)) == cut - 1)
                {
                    return (p, after);
                }
            }
        }

        throw new InvalidOperationException("no position before the cut near it");
    }

    private static DiaSource Source(DetectorVisit dv, long id, SkyPosition p, double mjd) => new()
    {
        DiaSourceId = id,
        DiaObjectId = id,
        Visit = dv.Visit,
        Detector = dv.Detector,
        MidpointMjdTai = mjd,
        Ra = p.RaDeg,
        Dec = p.DecDeg,
        Band = "r",
        PsfFlux = 1000f,
        PsfFluxErr = 10f,
    };

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
