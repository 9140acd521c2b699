using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Apdb;

/// <summary>
/// The APDB's daily job (Rubin runs one; Cassandra's APDB deletes whole time partitions the same way): drops the monthly
/// DiaSource and DiaForcedSource partitions that lie wholly before the read window plus a margin, and retires from
/// DiaObjectLast the DiaObjects with one DiaSource and no new version for a configured time (the false positives that
/// otherwise accumulate in every preload). Their DiaObject history stays; the newest version is closed at the job's
/// time, so DiaObjectLast remains exactly the set of open versions.
/// </summary>
/// <remarks>
/// Safe while stores run. Partitions are detached with <c>DETACH PARTITION ... CONCURRENTLY</c>, which does not block
/// readers or writers of the parent, then dropped; a detach left pending by an interrupted run is finalised, and a
/// partition detached but not dropped is dropped, by the next run. Retirement locks DiaObjectLast rows with
/// <c>FOR UPDATE SKIP LOCKED</c>: it never waits for a store, and a store that holds an object's row (and so is giving
/// it a new version) is skipped. A store that later associates a source with a retired object gives it a new open
/// version and a DiaObjectLast row again, as for any object. Running the job twice changes nothing the second time,
/// and two runs at once cannot happen: the second is refused (<see cref="LockKey"/>).
/// </remarks>
public static partial class ApdbMaintenance
{
    /// <summary>The metadata key holding the MJD before which the job has dropped DIA source rows.</summary>
    public const string DroppedBeforeKey = "retention:dropped_before_mjd";

    /// <summary>
    /// The session advisory lock a run (not a dry run) holds from start to end: a second run on the same database is
    /// refused at once, so two never detach or retire under each other.
    /// </summary>
    public const long LockKey = 4242004;

    /// <summary>What a run says when another holds <see cref="LockKey"/>; <c>{0}</c> is the database.</summary>
    public const string RunningRefusal = "maintain: another maintain is running on database {0}; nothing was changed: wait for it to finish and run again";

    /// <summary>Runs the retention step, then the retirement step.</summary>
    /// <param name="dataSource">An APDB on one PostgreSQL server (a shard is one).</param>
    /// <param name="options">What to keep; <see cref="MaintenanceOptions.Validate"/> is called first.</param>
    /// <param name="progress">Told each partition dropped and each batch of objects retired, when given.</param>
    /// <param name="cancellationToken">Stops between steps; a step under way rolls back.</param>
    public static async Task<MaintenanceReport> RunAsync(
        NpgsqlDataSource dataSource, MaintenanceOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        await using var gate = options.DryRun ? null : await SessionLock.TryAcquireAsync(dataSource, LockKey, RunningRefusal, cancellationToken);

        var now = options.NowMjdTai ?? await LatestVisitAsync(dataSource, cancellationToken)
            ?? throw new ApdbUserException("maintain: the APDB has no stored visits to take the time from; give the time (--now MJD)");
        var partitionCutoff = now - ((options.WindowMonths + options.MarginMonths) * ApdbStore.DaysPerMonth);
        var retireCutoff = now - (options.RetireAfterMonths * ApdbStore.DaysPerMonth);

        var dropped = await DropOldPartitionsAsync(dataSource, partitionCutoff, options.DryRun, progress, cancellationToken);
        var retired = options.DryRun
            ? await CountRetirableAsync(dataSource, retireCutoff, cancellationToken)
            : await RetireAsync(dataSource, now, retireCutoff, options.RetireBatchSize, progress, cancellationToken);
        if (dropped.Count > 0 && !options.DryRun)
        {
            ApdbStore.ForgetPartitions();
        }

        return new MaintenanceReport(now, partitionCutoff, retireCutoff, dropped, retired, options.DryRun);
    }

    /// <summary>The latest visit time in the detector-visit registry (the APDB's clock), or null when it is empty.</summary>
    public static async Task<double?> LatestVisitAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand("SELECT max(\"visitMjdTai\") FROM apdb_visit_detector");
        return await command.ExecuteScalarAsync(cancellationToken) as double?;
    }

    private static async Task<List<DroppedPartition>> DropOldPartitionsAsync(
        NpgsqlDataSource dataSource, double cutoff, bool dryRun, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var dropped = new List<DroppedPartition>();
        foreach (var candidate in await ListPartitionsAsync(dataSource, cancellationToken))
        {
            if (candidate.EndMjdTai > cutoff)
            {
                continue;
            }

            var (rows, bytes) = await SizeAsync(dataSource, candidate.Name, cancellationToken);
            if (!dryRun)
            {
                await DetachAndDropAsync(dataSource, candidate, cancellationToken);
            }

            dropped.Add(new DroppedPartition(candidate.Table, candidate.Name, candidate.EndMjdTai, rows, bytes));
            progress?.Report($"{(dryRun ? "would drop" : "dropped")} {candidate.Name} ({rows:N0} rows, ends MJD {candidate.EndMjdTai:F0})");
        }

        if (dropped.Count > 0 && !dryRun)
        {
            await RecordRetentionAsync(dataSource, dropped.Max(d => d.EndMjdTai), cancellationToken);
        }

        return dropped;
    }

    /// <summary>
    /// Records in metadata (<see cref="DroppedBeforeKey"/>) the time before which DiaSources and DiaForcedSources were
    /// dropped. The registry keeps its rows for those detector-visits (a retried store of one is still refused as
    /// already stored), so their counts describe rows that are gone; the key says which.
    /// </summary>
    private static async Task RecordRetentionAsync(NpgsqlDataSource dataSource, double droppedBefore, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO metadata (name, value) VALUES (@name, @value::float8::text) ON CONFLICT (name) DO UPDATE " +
            "SET value = GREATEST(metadata.value::float8, EXCLUDED.value::float8)::text");
        command.Parameters.AddWithValue("name", DroppedBeforeKey);
        command.Parameters.AddWithValue("value", droppedBefore.ToString("R", CultureInfo.InvariantCulture));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The monthly partitions of DiaSource and DiaForcedSource and their packed companions in the current schema, attached, detach-pending, or left
    /// detached by an interrupted run (a plain table named as a partition is, <c>Table_m{k}</c>).
    /// </summary>
    private static async Task<List<MonthlyPartition>> ListPartitionsAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        const string sql =
            "SELECT c.relname, c.relispartition, coalesce(i.inhdetachpending, false), " +
            "CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END " +
            "FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid " +
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' " +
            "AND (c.relname LIKE 'DiaSource\\_m%' OR c.relname LIKE 'DiaForcedSource\\_m%' " +
            "OR c.relname LIKE 'DiaSourcePacked\\_m%' OR c.relname LIKE 'DiaForcedSourcePacked\\_m%') ORDER BY c.relname";
        var partitions = new List<MonthlyPartition>();
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            var match = PartitionName().Match(name);
            if (!match.Success)
            {
                continue;
            }

            var table = match.Groups[1].Value;
            var attached = reader.GetBoolean(1);
            var end = attached ? UpperBound(reader.GetString(3)) : (long.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) + 1) * ApdbStore.DaysPerMonth;
            if (end is { } e)
            {
                partitions.Add(new MonthlyPartition(table, name, e, attached, reader.GetBoolean(2)));
            }
        }

        return partitions;
    }

    /// <summary>The exclusive upper bound of a range partition, or null when it is MAXVALUE or not a range.</summary>
    private static double? UpperBound(string bound)
    {
        var match = RangeUpperBound().Match(bound);
        return match.Success ? double.Parse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture) : null;
    }

    private static async Task<(long Rows, long Bytes)> SizeAsync(NpgsqlDataSource dataSource, string partition, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT (SELECT count(*) FROM {Quote(partition)}), pg_total_relation_size(to_regclass(@name))");
        command.Parameters.AddWithValue("name", Quote(partition));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.IsDBNull(1) ? 0 : reader.GetInt64(1));
    }

    private static async Task DetachAndDropAsync(NpgsqlDataSource dataSource, MonthlyPartition partition, CancellationToken cancellationToken)
    {
        if (partition.Attached)
        {
            // CONCURRENTLY cannot run in a transaction block: each statement runs on its own.
            var detach = partition.DetachPending
                ? $"ALTER TABLE {Quote(partition.Table)} DETACH PARTITION {Quote(partition.Name)} FINALIZE"
                : $"ALTER TABLE {Quote(partition.Table)} DETACH PARTITION {Quote(partition.Name)} CONCURRENTLY";
            await using var command = dataSource.CreateCommand(detach);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var drop = dataSource.CreateCommand($"DROP TABLE IF EXISTS {Quote(partition.Name)}");
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string RetirableCondition =
        "\"nDiaSources\" = 1 AND \"validityStartMjdTai\" > '-Infinity' AND \"validityStartMjdTai\" < @cutoff";

    private static async Task<long> CountRetirableAsync(NpgsqlDataSource dataSource, double cutoff, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM \"DiaObjectLast\" WHERE {RetirableCondition}");
        command.Parameters.AddWithValue("cutoff", cutoff);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Retires in batches, one transaction each: lock the batch's DiaObjectLast rows (skipping rows a store holds),
    /// close each object's open version at <paramref name="now"/> and delete the rows. A version that starts before the
    /// cutoff is the object's newest, so nothing has been stored for it since.
    /// </summary>
    private static async Task<long> RetireAsync(
        NpgsqlDataSource dataSource, double now, double cutoff, int batchSize, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var sql =
            $"WITH victims AS (SELECT \"diaObjectId\" FROM \"DiaObjectLast\" WHERE {RetirableCondition} " +
            "ORDER BY \"diaObjectId\" LIMIT @batch FOR UPDATE SKIP LOCKED), " +
            "closed AS (UPDATE \"DiaObject\" o SET \"validityEndMjdTai\" = @now FROM victims v " +
            "WHERE o.\"diaObjectId\" = v.\"diaObjectId\" AND o.\"validityEndMjdTai\" IS NULL RETURNING o.\"diaObjectId\") " +
            "DELETE FROM \"DiaObjectLast\" l USING victims v WHERE l.\"diaObjectId\" = v.\"diaObjectId\"";
        long total = 0;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            command.Parameters.AddWithValue("cutoff", cutoff);
            command.Parameters.AddWithValue("now", now);
            command.Parameters.AddWithValue("batch", batchSize);
            var retired = await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (retired == 0)
            {
                return total;
            }

            total += retired;
            progress?.Report($"retired {total:N0} one-source DiaObjects");
        }
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex(@"^(DiaSource|DiaForcedSource|DiaSourcePacked|DiaForcedSourcePacked)_m(-?\d+)$")]
    private static partial Regex PartitionName();

    [GeneratedRegex(@"TO \('?(-?[0-9.eE+-]+)'?\)")]
    private static partial Regex RangeUpperBound();

    private sealed record MonthlyPartition(string Table, string Name, double EndMjdTai, bool Attached, bool DetachPending);
}
