using Apdb.History;
using Apdb.Simulation;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Tests;

[Collection(PostgresCollection.Name)]
public sealed class HistoryLoaderTests(PostgresServer server) : IAsyncLifetime
{
    private const int Months = 2;
    private const long Seed = 17;
    private ApdbDatabase _db = null!;
    private HistoryLoadSummary _summary = null!;

    public async Task InitializeAsync()
    {
        _db = await ApdbDatabase.CreateAsync(server, "hist");
        _summary = await HistoryLoader.LoadAsync(_db.DataSource, "tiny", Months, Seed);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task The_load_writes_what_the_generator_makes_and_records_it_as_complete()
    {
        var batches = new HistoryGenerator(SkyPreset.Tiny, Months, Seed).Generate().ToList();
        Assert.Equal(batches.Sum(b => b.Sources.Length), await _db.CountAsync("SELECT count(*) FROM \"DiaSource\""));
        Assert.Equal(batches.Sum(b => b.Objects.Length), await _db.CountAsync("SELECT count(*) FROM \"DiaObject\""));
        Assert.Equal(batches.Sum(b => b.ForcedSources.Length), await _db.CountAsync("SELECT count(*) FROM \"DiaForcedSource\""));
        Assert.Equal(batches[^1].LastObjects.Length, await _db.CountAsync("SELECT count(*) FROM \"DiaObjectLast\""));
        Assert.Equal(batches.Sum(b => b.VisitDetectors.Length), await _db.CountAsync("SELECT count(*) FROM apdb_visit_detector"));
        Assert.Equal(_summary.Rows["DiaSource"], await _db.CountAsync("SELECT count(*) FROM \"DiaSource\""));
        Assert.Equal("complete", await HistoryLoader.GetStateAsync(_db.DataSource));
        Assert.Equal(0, await _db.CountAsync("SELECT count(*) FROM metadata WHERE name = 'history:indexes'"));
    }

    [Fact]
    public async Task Every_DiaSource_points_to_an_existing_DiaObject()
    {
        Assert.Equal(0, await _db.CountAsync(
            "SELECT count(*) FROM \"DiaSource\" s WHERE s.\"diaObjectId\" IS NULL OR NOT EXISTS (SELECT 1 FROM \"DiaObject\" o WHERE o.\"diaObjectId\" = s.\"diaObjectId\")"));
    }

    [Fact]
    public async Task DiaObjectLast_has_one_row_per_object_equal_to_its_latest_version_with_the_count_of_its_sources()
    {
        Assert.Equal(await _db.CountAsync("SELECT count(DISTINCT \"diaObjectId\") FROM \"DiaObject\""), await _db.CountAsync("SELECT count(*) FROM \"DiaObjectLast\""));
        Assert.Equal(0, await _db.CountAsync(
            "SELECT count(*) FROM \"DiaObjectLast\" l JOIN \"DiaObject\" o ON o.\"diaObjectId\" = l.\"diaObjectId\" AND o.\"validityEndMjdTai\" IS NULL " +
            "WHERE (l.\"validityStartMjdTai\", l.ra, l.dec, l.\"nDiaSources\", l.\"pixelId\", l.\"lastDiaSourceMjdTai\") IS DISTINCT FROM " +
            "(o.\"validityStartMjdTai\", o.ra, o.dec, o.\"nDiaSources\", o.\"pixelId\", o.\"lastDiaSourceMjdTai\")"));
        Assert.Equal(await _db.CountAsync("SELECT count(*) FROM \"DiaObjectLast\""),
            await _db.CountAsync("SELECT count(*) FROM \"DiaObject\" WHERE \"validityEndMjdTai\" IS NULL"));
        Assert.Equal(0, await _db.CountAsync(
            "SELECT count(*) FROM \"DiaObjectLast\" l WHERE l.\"nDiaSources\" <> (SELECT count(*) FROM \"DiaSource\" s WHERE s.\"diaObjectId\" = l.\"diaObjectId\")"));
    }

    [Fact]
    public async Task DiaSource_spans_the_months_in_monthly_partitions()
    {
        var start = Cadence.DefaultStartMjd;
        for (var k = 0; k < Months; k++)
        {
            var partition = $"DiaSource_m{(int)(start / 30) + k}";
            Assert.True(await _db.CountAsync($"SELECT count(*) FROM \"{partition}\"") > 0, partition);
            Assert.Equal(1, await _db.CountAsync($"SELECT count(*) FROM pg_class WHERE relname = 'DiaForcedSource_m{(int)(start / 30) + k}'"));
        }

        Assert.True(await _db.CountAsync("SELECT (max(\"midpointMjdTai\") - min(\"midpointMjdTai\"))::bigint FROM \"DiaSource\"") >= 30 * (Months - 1));
    }

    [Fact]
    public async Task Forced_sources_follow_Rubins_rule()
    {
        Assert.True(await _db.CountAsync("SELECT count(*) FROM \"DiaForcedSource\"") > 0);
        // At least two detections up to the forced visit, and the last one at most 30 days before it.
        Assert.Equal(0, await _db.CountAsync(
            "SELECT count(*) FROM \"DiaForcedSource\" f WHERE (SELECT count(*) FROM \"DiaSource\" s WHERE s.\"diaObjectId\" = f.\"diaObjectId\" AND s.\"midpointMjdTai\" <= f.\"midpointMjdTai\") < 2 " +
            "OR f.\"midpointMjdTai\" - (SELECT max(s.\"midpointMjdTai\") FROM \"DiaSource\" s WHERE s.\"diaObjectId\" = f.\"diaObjectId\" AND s.\"midpointMjdTai\" <= f.\"midpointMjdTai\") > 30"));
    }

    [Fact]
    public async Task Every_DiaSource_column_the_pipeline_fills_is_filled()
    {
        // Rubin's DiaSource has 103 columns (plus pixelId); nulls only where the pipeline writes null.
        var allowedNull = new HashSet<string> { "ssObjectId", "ssObjectReassocTimeMjdTai", "timeWithdrawnMjdTai" };
        foreach (var column in Records.DiaSource.ColumnNames.Where(c => !allowedNull.Contains(c)))
        {
            Assert.Equal(0, await _db.CountAsync($"SELECT count(*) FROM \"DiaSource\" WHERE \"{column}\" IS NULL"));
        }

        Assert.Equal(1, await _db.CountAsync(
            "SELECT count(*) FROM (SELECT 1 FROM \"DiaSource\" WHERE band IN ('u','g','r','i','z','y') AND \"psfFluxErr\" > 0 AND \"x\" BETWEEN -0.5 AND 4095.5 " +
            "AND detector BETWEEN 0 AND 188 AND \"pixelId\" = healpix_nested_hash(29, ra, dec) LIMIT 1) t"));
        Assert.Equal(0, await _db.CountAsync("SELECT count(*) FROM \"DiaSource\" WHERE \"pixelId\" <> healpix_nested_hash(29, ra, dec)"));
    }

    [Fact]
    public async Task A_rerun_is_refused_without_replace_and_replace_gives_the_same_rows()
    {
        var error = await Assert.ThrowsAsync<ApdbUserException>(() => HistoryLoader.LoadAsync(_db.DataSource, "tiny", Months, Seed));
        Assert.Contains("--replace", error.Message, StringComparison.Ordinal);
        var again = await HistoryLoader.LoadAsync(_db.DataSource, "tiny", Months, Seed, replace: true);
        Assert.Equal(_summary.Rows, again.Rows);
        Assert.Equal(_summary.Rows["DiaSource"], await _db.CountAsync("SELECT count(*) FROM \"DiaSource\""));
        Assert.Equal(13, await _db.CountAsync(
            "SELECT count(*) FROM pg_indexes WHERE tablename IN ('DiaSource', 'DiaObject', 'DiaForcedSource', 'DiaObjectLast')"));
    }

    [Fact]
    public async Task Bad_input_is_refused_with_a_clear_message()
    {
        var preset = await Assert.ThrowsAsync<ApdbUserException>(() => HistoryLoader.LoadAsync(_db.DataSource, "huge", 1, 1));
        Assert.Contains("unknown preset 'huge'", preset.Message, StringComparison.Ordinal);
        var months = await Assert.ThrowsAsync<ApdbUserException>(() => HistoryLoader.LoadAsync(_db.DataSource, "tiny", 25, 1));
        Assert.Contains("outside 1-24", months.Message, StringComparison.Ordinal);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class HistoryLoaderCancellationTests(PostgresServer server) : IAsyncLifetime
{
    private ApdbDatabase _db = null!;

    public async Task InitializeAsync() => _db = await ApdbDatabase.CreateAsync(server, "histcancel");

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_cancelled_load_never_claims_complete_and_the_next_run_requires_replace()
    {
        using var cancel = new CancellationTokenSource();
        var progress = new CancelOnCopy(cancel);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => HistoryLoader.LoadAsync(_db.DataSource, "tiny", 3, 5, progress: progress, cancellationToken: cancel.Token));
        Assert.Equal("loading", await HistoryLoader.GetStateAsync(_db.DataSource));

        var error = await Assert.ThrowsAsync<ApdbUserException>(() => HistoryLoader.LoadAsync(_db.DataSource, "tiny", 1, 5));
        Assert.Contains("did not complete", error.Message, StringComparison.Ordinal);

        var summary = await HistoryLoader.LoadAsync(_db.DataSource, "tiny", 1, 5, replace: true);
        Assert.Equal("complete", await HistoryLoader.GetStateAsync(_db.DataSource));
        Assert.Equal(summary.Rows["DiaSource"], await _db.CountAsync("SELECT count(*) FROM \"DiaSource\""));
        // The indexes dropped by the cancelled load are back.
        Assert.Equal(13, await _db.CountAsync(
            "SELECT count(*) FROM pg_indexes WHERE tablename IN ('DiaSource', 'DiaObject', 'DiaForcedSource', 'DiaObjectLast')"));
    }

    [Fact]
    public async Task A_load_while_another_holds_the_load_lock_is_refused_and_changes_nothing()
    {
        var first = await HistoryLoader.LoadAsync(_db.DataSource, "tiny", 1, 5);
        await using var other = await _db.DataSource.OpenConnectionAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_lock({HistoryLoader.LoadLockKey})", other))
        {
            await take.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<ApdbUserException>(() => HistoryLoader.LoadAsync(_db.DataSource, "tiny", 2, 6, replace: true));

        Assert.Contains("another history load is running", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", error.Message, StringComparison.Ordinal);
        Assert.Equal("complete", await HistoryLoader.GetStateAsync(_db.DataSource));
        Assert.Equal(first.Rows["DiaSource"], await _db.CountAsync("SELECT count(*) FROM \"DiaSource\""));
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({HistoryLoader.LoadLockKey})", other))
        {
            Assert.Equal(true, await release.ExecuteScalarAsync());
        }

        // A finished load gives the lock back, even though its connection stays in the pool.
        await HistoryLoader.LoadAsync(_db.DataSource, "tiny", 1, 6, replace: true);
        await using var retake = new NpgsqlCommand($"SELECT pg_try_advisory_lock({HistoryLoader.LoadLockKey})", other);
        Assert.Equal(true, await retake.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Of_two_concurrent_replacing_loads_a_loser_says_only_what_is_true_and_the_winner_is_complete()
    {
        await HistoryLoader.LoadAsync(_db.DataSource, "tiny", 1, 5);
        var loads = new[] { 7L, 8L }.Select(seed => Task.Run(() => HistoryLoader.LoadAsync(_db.DataSource, "tiny", 2, seed, replace: true))).ToArray();
        try
        {
            await Task.WhenAll(loads);
        }
        catch (ApdbUserException)
        {
            // Inspected below, load by load.
        }

        var winners = loads.Where(l => l.IsCompletedSuccessfully).ToList();
        Assert.NotEmpty(winners);
        foreach (var loser in loads.Where(l => !l.IsCompletedSuccessfully))
        {
            var message = Assert.IsType<ApdbUserException>(loser.Exception!.InnerException).Message;
            Assert.Contains("another history load is running", message, StringComparison.Ordinal);
            Assert.DoesNotContain("incomplete", message, StringComparison.Ordinal);
        }

        Assert.Equal("complete", await HistoryLoader.GetStateAsync(_db.DataSource));
        var winnerRows = new List<long>();
        foreach (var winner in winners)
        {
            winnerRows.Add((await winner).Rows["DiaSource"]);
        }

        Assert.Contains(await _db.CountAsync("SELECT count(*) FROM \"DiaSource\""), winnerRows);
    }

    private sealed class CancelOnCopy(CancellationTokenSource cancel) : IProgress<HistoryLoadProgress>
    {
        public void Report(HistoryLoadProgress value)
        {
            if (value.Phase == HistoryLoadPhase.Copying && value.VisitsGenerated > 0)
            {
                cancel.Cancel();
            }
        }
    }
}
