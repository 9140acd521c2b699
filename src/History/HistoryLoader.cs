using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Apdb.Schema;
using Apdb.Simulation;
using Npgsql;

namespace Apdb.History;

/// <summary>
/// Loads a synthetic DIA history (<see cref="HistoryGenerator"/>) into the APDB at the server's speed: rows are
/// generated and encoded as binary COPY data on one side, copied on the other (one stream per table, straight into
/// the monthly partitions), with bounded channels in between so that generation and COPY overlap and memory stays
/// flat. Primary keys and indexes are dropped first and built afterwards, then ANALYZE.
/// </summary>
/// <remarks>
/// The metadata table records the load: <c>history:state</c> is 'loading' from the start and becomes 'complete'
/// (with preset, seed, months and row counts) only in the last transaction, after every row and index has committed.
/// A non-empty APDB, or one whose previous load did not complete, is refused unless <c>replace</c> is set, in which
/// case the DIA tables are truncated and their partitions dropped first. Durability stays on (logged tables).
/// </remarks>
public static partial class HistoryLoader
{
    /// <summary>Metadata key of the load's state: 'loading' or 'complete'.</summary>
    public const string StateKey = "history:state";

    /// <summary>
    /// The session advisory lock a load holds from start to end: a second loader of the same database is refused at
    /// once instead of truncating under the first one's COPY (and both then failing or reporting the other's state).
    /// </summary>
    internal const long LoadLockKey = 4242003;

    private const int ChannelCapacity = 4;

    /// <summary>Generates and loads the history of a preset.</summary>
    /// <param name="dataSource">The APDB (schema current: see <see cref="SchemaMigrator"/>).</param>
    /// <param name="preset">tiny, demo, fov or survey.</param>
    /// <param name="months">Months (30 days) of history, 1-24.</param>
    /// <param name="seed">The sky's seed.</param>
    /// <param name="replace">Remove whatever DIA data the APDB holds first; otherwise a non-empty APDB is refused.</param>
    /// <param name="progress">Receives progress from background threads.</param>
    /// <param name="cancellationToken">Cancels the load; the APDB then records an incomplete load.</param>
    /// <exception cref="ApdbUserException">Unknown preset, months out of range, a non-empty or incompletely loaded APDB without <paramref name="replace"/>, or the server failing mid-load.</exception>
    public static Task<HistoryLoadSummary> LoadAsync(
        NpgsqlDataSource dataSource,
        string preset,
        int months = 12,
        long seed = 1,
        bool replace = false,
        IProgress<HistoryLoadProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        LoadPartitionAsync(dataSource, null, preset, months, seed, replace, progress, cancellationToken);

    /// <summary>
    /// Generates the history of a preset and loads the rows of <paramref name="partition"/> (one shard's pixel range;
    /// null for all of them). Each shard of a sharded APDB is loaded this way, all at once.
    /// </summary>
    public static async Task<HistoryLoadSummary> LoadPartitionAsync(
        NpgsqlDataSource dataSource,
        HistoryPartition? partition,
        string preset,
        int months = 12,
        long seed = 1,
        bool replace = false,
        IProgress<HistoryLoadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var generator = CreateGenerator(preset, months, seed);
        return await LoadCoreAsync(dataSource, partition, generator, generator.Generate, replace, progress, cancellationToken);
    }

    /// <summary>The generator of a preset's history, after checking the preset and the months.</summary>
    internal static HistoryGenerator CreateGenerator(string preset, int months, long seed)
    {
        var sky = SkyPreset.Find(preset)
            ?? throw new ApdbUserException($"load-history: unknown preset '{preset}' (expected {string.Join(", ", SkyPreset.All.Select(p => p.Name))})");
        if (months is < 1 or > 24)
        {
            throw new ApdbUserException($"load-history: --months {months} is outside 1-24");
        }

        return new HistoryGenerator(sky, months, seed);
    }

    /// <summary>
    /// Loads the rows of <paramref name="partition"/> from <paramref name="batches"/>: the batches of
    /// <paramref name="generator"/>'s history, generated here or shared with the other shards' loads.
    /// <paramref name="beforeComplete"/>, when given, is awaited after the rows and indexes are in and before the load
    /// is recorded complete; if it throws, the load stays recorded incomplete.
    /// </summary>
    internal static async Task<HistoryLoadSummary> LoadCoreAsync(
        NpgsqlDataSource dataSource,
        HistoryPartition? partition,
        HistoryGenerator generator,
        Func<CancellationToken, IEnumerable<HistoryBatch>> batches,
        bool replace,
        IProgress<HistoryLoadProgress>? progress,
        CancellationToken cancellationToken,
        Func<CancellationToken, Task>? beforeComplete = null)
    {
        var sky = generator.Preset;
        var months = generator.Months;
        var seed = generator.Seed;
        var total = Stopwatch.StartNew();
        await using var gate = await SessionLock.TryAcquireAsync(dataSource, LoadLockKey,
            "load-history: another history load is running on database {0}; nothing was changed: wait for it to finish and run again", cancellationToken);
        await SchemaMigrator.EnsureCurrentAsync(dataSource, cancellationToken);
        var visits = generator.Cadence.Visits.Count;
        progress?.Report(new HistoryLoadProgress(HistoryLoadPhase.Preparing, 0, 0, visits, 0, 0, 0));
        Task<HistoryIndexes>? prepared = null;
        try
        {
            // Generation starts while the APDB is prepared; the COPY streams wait for the preparation.
            prepared = PrepareAsync(dataSource, generator, replace, cancellationToken);
            var copy = await CopyAsync(dataSource, generator, batches, partition, progress, prepared, cancellationToken);
            var indexes = await prepared;
            var indexClock = Stopwatch.StartNew();
            await BuildIndexesAsync(dataSource, indexes, copy, progress, visits, cancellationToken);
            var indexSeconds = indexClock.Elapsed.TotalSeconds;
            var rows = new Dictionary<string, long>
            {
                ["DiaObject"] = copy.Rows["DiaObject"],
                ["DiaObjectLast"] = copy.Rows["DiaObjectLast"],
                ["DiaSource"] = copy.Rows["DiaSource"],
                ["DiaForcedSource"] = copy.Rows["DiaForcedSource"],
            };
            if (beforeComplete is not null)
            {
                await beforeComplete(cancellationToken);
            }

            await CompleteAsync(dataSource, generator, rows, cancellationToken);
            progress?.Report(new HistoryLoadProgress(HistoryLoadPhase.Complete, visits, visits, visits, copy.Rows.Values.Sum(), indexes.Definitions.Count, indexes.Definitions.Count));
            var tables = copy.Rows.Keys.ToDictionary(t => t, t => new HistoryTableSummary(copy.Rows[t], Math.Round(copy.Seconds[t], 3)));
            return new HistoryLoadSummary(sky.Name, seed, months, sky.AreaDeg2, visits, rows,
                new HistoryLoadSeconds(Math.Round(copy.GenerateSeconds, 3), Math.Round(copy.CopySeconds, 3), Math.Round(indexSeconds, 3), Math.Round(total.Elapsed.TotalSeconds, 3)),
                tables);
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Only this loader writes the load state (it holds the load lock), so what it says is known.
            var outcome = prepared switch
            {
                { IsCompletedSuccessfully: true } => "the APDB records an incomplete load: rerun with --replace",
                { IsCompleted: true } or null => "the APDB was left as it was",
                _ => "the APDB may record an incomplete load (see metadata history:state): rerun with --replace",
            };
            var what = ex is PostgresException { SqlState: PostgresErrorCodes.DiskFull }
                ? "the database server's disk is full"
                : "the database failed mid-load";
            throw new ApdbUserException($"load-history: {what} ({FirstLine(ex.Message)}); {outcome}", ex);
        }
    }

    /// <summary>The load's state in the metadata table ('loading', 'complete'), or null when no load was recorded.</summary>
    public static async Task<string?> GetStateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT value FROM metadata WHERE name = @n", connection);
        command.Parameters.AddWithValue("n", StateKey);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static async Task<HistoryIndexes> PrepareAsync(NpgsqlDataSource dataSource, HistoryGenerator generator, bool replace, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // One loader at a time, and no migration in between.
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(4242002)", cancellationToken);
        var state = await ScalarAsync<string>(connection, transaction, $"SELECT value FROM metadata WHERE name = '{StateKey}'", cancellationToken);
        var savedIndexes = await ScalarAsync<string>(connection, transaction, $"SELECT value FROM metadata WHERE name = '{HistoryIndexes.MetadataKey}'", cancellationToken);
        if (!replace)
        {
            if (state == "loading")
            {
                throw new ApdbUserException(
                    $"load-history: the previous history load did not complete (metadata {StateKey} = 'loading'): rerun with --replace to remove it and load again");
            }

            var nonEmpty = await ScalarAsync<bool>(connection, transaction,
                "SELECT EXISTS (SELECT 1 FROM \"DiaObject\") OR EXISTS (SELECT 1 FROM \"DiaSource\") OR EXISTS (SELECT 1 FROM \"DiaForcedSource\") " +
                "OR EXISTS (SELECT 1 FROM \"DiaObjectLast\") OR EXISTS (SELECT 1 FROM apdb_visit_detector)", cancellationToken);
            if (nonEmpty)
            {
                var objects = await ScalarAsync<long>(connection, transaction, "SELECT count(*) FROM \"DiaObjectLast\"", cancellationToken);
                throw new ApdbUserException(
                    $"load-history: the APDB already holds DIA data ({objects} DiaObjects{(state == "complete" ? ", from a complete history load" : string.Empty)}): " +
                    "use --replace to remove it and load again");
            }
        }

        // The definitions survive a crashed load in the metadata table; otherwise they come from the catalog.
        var indexes = savedIndexes is not null
            ? HistoryIndexes.FromJson(savedIndexes)
            : await HistoryIndexes.ReadCatalogAsync(connection, transaction, cancellationToken);
        if (replace)
        {
            await ExecuteAsync(connection, transaction,
                "TRUNCATE \"DiaObject\", \"DiaObjectLast\", \"DiaSource\", \"DiaForcedSource\", \"DiaSourcePacked\", \"DiaForcedSourcePacked\", apdb_visit_detector", cancellationToken);
            var partitions = new List<string>();
            await using (var list = new NpgsqlCommand(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid " +
                "WHERE i.inhparent IN (to_regclass('\"DiaSource\"'), to_regclass('\"DiaForcedSource\"'), " +
                "to_regclass('\"DiaSourcePacked\"'), to_regclass('\"DiaForcedSourcePacked\"')) ORDER BY 1", connection, transaction))
            await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    partitions.Add(reader.GetString(0));
                }
            }

            foreach (var partition in partitions)
            {
                await ExecuteAsync(connection, transaction, $"DROP TABLE {Quote(partition)}", cancellationToken);
            }

            ApdbStore.ForgetPartitions();
        }

        await SetMetadataAsync(connection, transaction, cancellationToken,
            (StateKey, "loading"),
            ("history:preset", generator.Preset.Name),
            ("history:seed", generator.Seed.ToString(CultureInfo.InvariantCulture)),
            ("history:months", generator.Months.ToString(CultureInfo.InvariantCulture)),
            (HistoryIndexes.MetadataKey, indexes.ToJson()));
        await ExecuteAsync(connection, transaction, "DELETE FROM metadata WHERE name = 'history:rows'", cancellationToken);

        // Indexes go before the partitions are made, so new partitions are born without them.
        foreach (var definition in indexes.Definitions)
        {
            await ExecuteAsync(connection, transaction, definition.Drop, cancellationToken);
        }

        await using (var partitions = new NpgsqlCommand("SELECT apdb_ensure_partitions(@a, @b)", connection, transaction))
        {
            partitions.Parameters.AddWithValue("a", generator.Cadence.StartMjd);
            partitions.Parameters.AddWithValue("b", generator.Cadence.EndMjd - 1e-6);
            await partitions.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return indexes;
    }

    private static async Task CompleteAsync(NpgsqlDataSource dataSource, HistoryGenerator generator, Dictionary<string, long> rows, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await SetMetadataAsync(connection, transaction, cancellationToken,
            (StateKey, "complete"),
            ("history:preset", generator.Preset.Name),
            ("history:seed", generator.Seed.ToString(CultureInfo.InvariantCulture)),
            ("history:months", generator.Months.ToString(CultureInfo.InvariantCulture)),
            ("history:rows", JsonSerializer.Serialize(rows)));
        await ExecuteAsync(connection, transaction, $"DELETE FROM metadata WHERE name = '{HistoryIndexes.MetadataKey}'", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task BuildIndexesAsync(
        NpgsqlDataSource dataSource, HistoryIndexes indexes, CopyResult copy, IProgress<HistoryLoadProgress>? progress, int visits, CancellationToken cancellationToken)
    {
        // Two sessions, the work split by table size (largest first to the less loaded session).
        var count = indexes.Definitions.Count;
        var creates = indexes.Definitions.Select(d => d.Create).ToHashSet(StringComparer.Ordinal);
        var built = 0;
        var lanes = new List<(List<string> Sql, long Cost)> { ([], 0), ([], 0) };
        foreach (var table in HistoryIndexes.Tables.OrderByDescending(t => RowsOf(copy, t) * TableWidth(t)))
        {
            var lane = lanes[0].Cost <= lanes[1].Cost ? 0 : 1;
            var defs = indexes.Definitions.Where(d => d.Table == table).ToList();
            lanes[lane].Sql.AddRange(defs.Select(d => d.Create));
            lanes[lane].Sql.Add(AnalyzeSql(table));
            lanes[lane] = (lanes[lane].Sql, lanes[lane].Cost + RowsOf(copy, table) * (defs.Count + 1));
        }

        progress?.Report(new HistoryLoadProgress(HistoryLoadPhase.Indexing, visits, visits, visits, copy.Rows.Values.Sum(), 0, count));
        await Task.WhenAll(lanes.Select(async lane =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            // Two sessions already build side by side: parallel workers on top would only oversubscribe the cores.
            await ExecuteAsync(connection, null, "SET max_parallel_maintenance_workers = 0", cancellationToken);
            foreach (var sql in lane.Sql)
            {
                await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
                await command.ExecuteNonQueryAsync(cancellationToken);
                if (creates.Contains(sql))
                {
                    var done = Interlocked.Increment(ref built);
                    progress?.Report(new HistoryLoadProgress(HistoryLoadPhase.Indexing, visits, visits, visits, copy.Rows.Values.Sum(), done, count));
                }
            }
        }));
    }

    /// <summary>
    /// ANALYZE of the columns the APDB's reads filter and join on. A full ANALYZE of the 104-column partitioned
    /// DiaSource costs about ten times more (benchmarks/history/README.md) and adds nothing to those plans; autovacuum's
    /// auto-analyze of the new partitions fills in the other columns later.
    /// </summary>
    private static string AnalyzeSql(string table) => table switch
    {
        "DiaSource" => "ANALYZE \"DiaSource\" (\"diaSourceId\", \"diaObjectId\", visit, detector, \"midpointMjdTai\", \"pixelId\", ra, dec, band)",
        "DiaForcedSource" => "ANALYZE \"DiaForcedSource\" (\"diaObjectId\", visit, detector, \"midpointMjdTai\", \"pixelId\", ra, dec)",
        "DiaObject" => "ANALYZE \"DiaObject\" (\"diaObjectId\", \"validityStartMjdTai\", \"validityEndMjdTai\", \"pixelId\", ra, dec, \"nDiaSources\")",
        _ => $"ANALYZE {Quote(table)}",
    };

    private static long RowsOf(CopyResult copy, string table) => copy.Rows.TryGetValue(table, out var n) ? n : 0;

    /// <summary>Relative width of a table's rows, for ordering the index work largest first.</summary>
    private static long TableWidth(string table) => table switch
    {
        "DiaSource" => 4,
        "DiaObject" => 3,
        "DiaSourcePacked" or "DiaForcedSourcePacked" => 2,
        _ => 1,
    };

    private static async Task SetMetadataAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken, params (string Name, string Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO metadata (name, value) VALUES (@n, @v) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", connection, transaction);
            command.Parameters.AddWithValue("n", name);
            command.Parameters.AddWithValue("v", value);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)value;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string FirstLine(string message)
    {
        var newline = message.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? message : message[..newline].TrimEnd();
    }
}
