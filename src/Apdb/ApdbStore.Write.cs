using System.Collections.Concurrent;
using Apdb.Records;
using Apdb.Sky;
using Npgsql;

namespace Apdb;

public sealed partial class ApdbStore
{
    /// <summary>How many times a store is attempted when the connection or the server fails under it.</summary>
    private const int StoreAttempts = 3;

    // Partitions known to exist, per database: creating them takes a lock on the parent table, so it happens in its
    // own short transaction and only when this process has not seen the partition yet.
    private static readonly ConcurrentDictionary<(string Database, long Partition), bool> KnownPartitions = new();

    /// <summary>
    /// Stores one detector-visit in one transaction with DiaObject versions given by the caller. See
    /// <see cref="StoreAsync(DetectorVisit, double, IDiaObjectSummarizer, IReadOnlyList{DiaSource}, IReadOnlyList{DiaForcedSource}, StoreOptions?, CancellationToken)"/>
    /// for the guarantees; here the versions' contents are the caller's, so a summary counts only what the caller saw.
    /// </summary>
    /// <remarks>
    /// <c>pixelId</c> is computed here from ra/dec (HEALPix NESTED depth 29); DiaObject <c>validityStartMjdTai</c> is
    /// <paramref name="visitMjdTai"/> and <c>validityEndMjdTai</c> the start of the next stored version (null when there
    /// is none), as Rubin's store does. These are set on the store's copies (returned in <see cref="StoreResult.Versions"/>);
    /// the caller's rows are left as they were.
    /// </remarks>
    public Task<StoreResult> StoreAsync(
        DetectorVisit detectorVisit,
        double visitMjdTai,
        IReadOnlyList<DiaObject> objects,
        IReadOnlyList<DiaSource> sources,
        IReadOnlyList<DiaForcedSource> forcedSources,
        StoreOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        Preconditions.NotNull(objects);
        StoreValidation.Validate(detectorVisit, objects, [], []);
        return StoreCoreAsync(detectorVisit, visitMjdTai, new VersionPlan(objects, null), sources, forcedSources, options, cancellationToken);
    }

    /// <summary>
    /// Stores one detector-visit in one transaction, computing the DiaObject versions inside it: the detector-visit is
    /// registered (a second store is refused unless <see cref="StoreOptions.ReplaceExisting"/>), the objects the
    /// sources belong to are locked, their stored DiaSources reloaded and summarised with the new ones by
    /// <paramref name="summarizer"/>, the versions written and DiaObjectLast updated, then DiaSources and
    /// DiaForcedSources inserted with their packed preload companions. Every bulk write is a binary
    /// COPY: the versions into a staging table merged in SQL, the sources and forced sources straight into their tables.
    /// </summary>
    /// <remarks>
    /// The guarantees, whatever the order and concurrency of stores (each is tested under interleavings and failures):
    /// <list type="bullet">
    /// <item>Atomic: the APDB never holds part of a detector-visit, and the registry row commits with its data.</item>
    /// <item>Versions of an object are ordered by validity start and chained: each version's <c>validityEndMjdTai</c>
    /// is the next version's start, so exactly one version is open. A store for an earlier visit than one already
    /// stored inserts its version into the middle of the history; a second detector of the same visit replaces the
    /// version at that time with one that summarises both.</item>
    /// <item>DiaObjectLast holds each object's newest version, never an older one.</item>
    /// <item>Every version summarises every DiaSource stored (by any process) in the window ending at its start:
    /// versions that start after this visit are summarised again to count the new sources.</item>
    /// <item>Stores that share objects are serialised by row locks on DiaObjectLast taken in ascending diaObjectId order
    /// (no deadlock between stores); stores that share none run in parallel.</item>
    /// <item>A store that fails on a broken connection or a restarted server is retried; when the commit itself was
    /// interrupted, the registry tells whether it happened, so a retry never writes a second copy.</item>
    /// </list>
    /// Inputs: <c>diaObjectId</c> of every source is set (null ones are stored without an object). diaSourceId must be
    /// unique: ids are checked against committed rows, so two concurrent stores of different detector-visits must not
    /// carry the same id (Rubin's ids pack the visit and detector).
    /// </remarks>
    /// <param name="detectorVisit">The detector-visit.</param>
    /// <param name="visitMjdTai">The visit time: the start of the new versions.</param>
    /// <param name="summarizer">Computes the versions from the objects' sources; called inside the transaction.</param>
    /// <param name="sources">The DiaSources of the detector-visit.</param>
    /// <param name="forcedSources">The DiaForcedSources of the detector-visit.</param>
    /// <param name="options">Replace an existing store, the history window; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the store; nothing is written.</param>
    public Task<StoreResult> StoreAsync(
        DetectorVisit detectorVisit,
        double visitMjdTai,
        IDiaObjectSummarizer summarizer,
        IReadOnlyList<DiaSource> sources,
        IReadOnlyList<DiaForcedSource> forcedSources,
        StoreOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        Preconditions.NotNull(summarizer);
        return StoreCoreAsync(detectorVisit, visitMjdTai, new VersionPlan(null, summarizer), sources, forcedSources, options, cancellationToken);
    }

    private async Task<StoreResult> StoreCoreAsync(
        DetectorVisit detectorVisit, double visitMjdTai, VersionPlan plan, IReadOnlyList<DiaSource> sources,
        IReadOnlyList<DiaForcedSource> forcedSources, StoreOptions? options, CancellationToken cancellationToken)
    {
        (sources, forcedSources) = StoreValidation.CheckedCopies(detectorVisit, visitMjdTai, sources, forcedSources);
        options ??= StoreOptions.Default;

        var months = sources.Select(s => s.MidpointMjdTai).Concat(forcedSources.Select(f => f.MidpointMjdTai));
        for (var attempt = 1; ; attempt++)
        {
            await EnsurePartitionsAsync(months, cancellationToken);
            StoreResult? committing = null;
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var result = await WriteAsync(connection, transaction, detectorVisit, visitMjdTai, plan, sources, forcedSources, options, cancellationToken);
                committing = result;
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new ApdbUserException($"store of {detectorVisit} refused, nothing written: {DescribeUniqueViolation(ex)}", ex);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation && attempt < StoreAttempts && IsMissingPartition(ex))
            {
                // Another process dropped partitions this process had seen (a history reload, retention): forget them.
                KnownPartitions.Clear();
            }
            catch (Exception ex) when (attempt < StoreAttempts && IsRetryable(ex) && !cancellationToken.IsCancellationRequested)
            {
                if (committing is not null && await IsRegisteredAsync(detectorVisit, cancellationToken))
                {
                    // The commit reached the server before the connection broke: what this attempt wrote is stored.
                    return committing;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
    }

    private async Task<StoreResult> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DetectorVisit detectorVisit, double visitMjdTai, VersionPlan plan,
        IReadOnlyList<DiaSource> sources, IReadOnlyList<DiaForcedSource> forcedSources, StoreOptions options, CancellationToken cancellationToken)
    {
        var replaced = await RegisterAsync(connection, transaction, detectorVisit, visitMjdTai, plan.Objects?.Count ?? 0, sources.Count, forcedSources.Count, options, cancellationToken);
        var objectIds = plan.Objects is { } given
            ? given.Select(o => o.DiaObjectId)
            : sources.Where(s => s.DiaObjectId.HasValue).Select(s => s.DiaObjectId!.Value);
        long[] locked = [.. objectIds.Distinct().Order()];
        var placeholders = await LockObjectsAsync(connection, transaction, locked, cancellationToken);

        var versions = plan.Objects is { } objects
            ? VersionsAt(objects, visitMjdTai)
            : await SummarizeAsync(connection, transaction, plan.Summarizer!, visitMjdTai, sources, options.HistoryMonths, cancellationToken);
        var (inserted, closed) = await WriteVersionsAsync(connection, transaction, versions, cancellationToken);
        if (plan.Objects is null && inserted > 0)
        {
            // The registry row went in first (it serialises replays of the detector-visit); its count is known now.
            await ExecuteAsync(connection, transaction, "UPDATE apdb_visit_detector SET \"nDiaObjects\" = @o WHERE visit = @v AND detector = @d",
                cancellationToken, ("o", inserted), ("v", detectorVisit.Visit), ("d", detectorVisit.Detector));
        }

        if (placeholders > 0)
        {
            await DropPlaceholdersAsync(connection, transaction, locked, cancellationToken);
        }

        // Sources and forced sources go straight into their tables (no staging table: creating and dropping one is
        // catalog work on every store); a clash with a stored row fails the transaction, so nothing of it is kept.
        if (sources.Count > 0)
        {
            await RefuseKnownSourceIdsAsync(connection, transaction, detectorVisit, sources, cancellationToken);
            await CopyWithPackedAsync(connection, "DiaSource", DiaSource.ColumnNames, sources, Records.DiaSourceColumns.WriteCopyRow, PackedRowEncoder.DiaSource, cancellationToken);
        }

        if (forcedSources.Count > 0)
        {
            await CopyWithPackedAsync(connection, "DiaForcedSource", DiaForcedSource.ColumnNames, forcedSources, Records.DiaForcedSourceColumns.WriteCopyRow,
                PackedRowEncoder.DiaForcedSource, cancellationToken);
        }

        return new StoreResult(detectorVisit, inserted, closed, sources.Count, forcedSources.Count, replaced)
        {
            Versions = [.. versions.Where(v => v.ValidityStartMjdTai == visitMjdTai)],
        };
    }

    /// <summary>
    /// Copies rows into their table and their packed preload companion: encoded once by the table's column map, packed
    /// on the client from those bytes (the server's <c>apdb_pack_*</c> gives the same; the invariant tests check it).
    /// </summary>
    private static async Task CopyWithPackedAsync<T>(
        NpgsqlConnection connection, string table, IReadOnlyList<string> columns, IReadOnlyList<T> rows, Action<CopyBuffer, T> writeRow,
        PackedRowEncoder packer, CancellationToken cancellationToken)
    {
        var (bytes, length) = CopyBuffer.Encode(rows, writeRow);
        try
        {
            await CopyBuffer.CopyBytesAsync(connection, $"COPY \"{table}\" ({ColumnList(columns)}) FROM STDIN (FORMAT BINARY)", bytes.AsMemory(0, length), cancellationToken);
            using var packed = new CopyBuffer(Math.Max(4096, length));
            packer.Append(bytes.AsSpan(0, length), packed);
            await CopyBuffer.CopyBytesAsync(connection, $"COPY \"{table}Packed\" ({ColumnList(packer.ColumnNames)}) FROM STDIN (FORMAT BINARY)", packed.Written.ToArray(), cancellationToken);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>
    /// Refuses the store when one of its diaSourceIds is already stored. The partitioned table's key includes the time,
    /// so the id alone is checked here, through its index.
    /// </summary>
    private static async Task RefuseKnownSourceIdsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DetectorVisit detectorVisit, IReadOnlyList<DiaSource> sources, CancellationToken cancellationToken)
    {
        await using var clash = new NpgsqlCommand(
            "SELECT \"diaSourceId\" FROM \"DiaSource\" WHERE \"diaSourceId\" = ANY(@ids) LIMIT 1",
            connection, transaction);
        clash.Parameters.AddWithValue("ids", sources.Select(s => s.DiaSourceId).ToArray());
        // Prepared once a connection; PostgreSQL may then keep a generic plan instead of estimating each id against
        // each monthly partition on every store.
        await clash.PrepareAsync(cancellationToken);
        if (await clash.ExecuteScalarAsync(cancellationToken) is long id)
        {
            throw new ApdbUserException($"store of {detectorVisit}: DiaSource {id} already exists in the APDB (diaSourceId must be unique)");
        }
    }

    /// <summary>
    /// Locks the objects' DiaObjectLast rows in ascending id order, so stores that share objects queue behind each other
    /// and do not deadlock. An object without a row gets a placeholder (validity start -infinity, invisible to others
    /// until commit) so that its first versions are serialised too: a second store inserting the same placeholder waits
    /// for the first to commit. The versions' upsert replaces placeholders; <see cref="DropPlaceholdersAsync"/> removes
    /// any left.
    /// </summary>
    /// <returns>How many placeholders were inserted.</returns>
    private static async Task<int> LockObjectsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] sortedIds, CancellationToken cancellationToken)
    {
        if (sortedIds.Length == 0)
        {
            return 0;
        }

        var placeholders = await ExecuteAsync(connection, transaction,
            "INSERT INTO \"DiaObjectLast\" (\"diaObjectId\", \"validityStartMjdTai\", ra, dec, \"nDiaSources\", \"pixelId\") " +
            "SELECT id, '-Infinity', 0, 0, 0, -1 FROM unnest(@ids) AS id ORDER BY id ON CONFLICT (\"diaObjectId\") DO NOTHING",
            cancellationToken, ("ids", sortedIds));
        await using var command = new NpgsqlCommand(
            "SELECT \"diaObjectId\" FROM \"DiaObjectLast\" WHERE \"diaObjectId\" = ANY(@ids) ORDER BY \"diaObjectId\" FOR UPDATE",
            connection, transaction);
        command.Parameters.AddWithValue("ids", sortedIds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
        }

        return placeholders;
    }

    /// <summary>Removes lock placeholders that no version replaced (an object whose newest version was not written here).</summary>
    private static Task<int> DropPlaceholdersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long[] ids, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction,
            "DELETE FROM \"DiaObjectLast\" WHERE \"diaObjectId\" = ANY(@ids) AND \"validityStartMjdTai\" = '-Infinity'",
            cancellationToken, ("ids", ids));

    private static bool IsMissingPartition(PostgresException ex) =>
        ex.MessageText.StartsWith("no partition of relation", StringComparison.Ordinal);

    /// <summary>Failures after which the same store may succeed: a broken connection, a server restarting, a deadlock.</summary>
    private static bool IsRetryable(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };

    private async Task<bool> IsRegisteredAsync(DetectorVisit detectorVisit, CancellationToken cancellationToken)
    {
        try
        {
            return await ContainsVisitDetectorAsync(detectorVisit, cancellationToken);
        }
        catch (Exception ex) when (IsRetryable(ex))
        {
            return false;
        }
    }

    private static string DescribeUniqueViolation(PostgresException ex) => ex.ConstraintName switch
    {
        "PK_apdb_visit_detector" => "the detector-visit is already stored (use the replace option to rewrite it)",
        "PK_DiaObject" => $"a DiaObject already has a version starting at this visit time ({ex.Detail})",
        _ when ex.ConstraintName?.StartsWith("DiaForcedSource", StringComparison.Ordinal) == true || ex.TableName?.StartsWith("DiaForcedSource", StringComparison.Ordinal) == true
            => $"a DiaForcedSource for the same object, visit and detector already exists ({ex.Detail})",
        _ => $"{ex.MessageText} ({ex.Detail})",
    };

    private static async Task<bool> RegisterAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DetectorVisit detectorVisit, double visitMjdTai,
        int objects, int sources, int forcedSources, StoreOptions options, CancellationToken cancellationToken)
    {
        var replaced = false;
        await using (var existing = new NpgsqlCommand(
            "SELECT \"visitMjdTai\" FROM apdb_visit_detector WHERE visit = @v AND detector = @d FOR UPDATE", connection, transaction))
        {
            existing.Parameters.AddWithValue("v", detectorVisit.Visit);
            existing.Parameters.AddWithValue("d", detectorVisit.Detector);
            if (await existing.ExecuteScalarAsync(cancellationToken) is double previousTime)
            {
                if (!options.ReplaceExisting)
                {
                    throw new ApdbUserException($"store of {detectorVisit} refused, nothing written: the detector-visit is already stored (use the replace option to rewrite it)");
                }

                await DeleteDetectorVisitAsync(connection, transaction, detectorVisit, previousTime, cancellationToken);
                replaced = true;
            }
        }

        await ExecuteAsync(connection, transaction,
            "INSERT INTO apdb_visit_detector (visit, detector, \"visitMjdTai\", \"nDiaObjects\", \"nDiaSources\", \"nDiaForcedSources\") VALUES (@v, @d, @t, @o, @s, @f)",
            cancellationToken,
            ("v", detectorVisit.Visit), ("d", detectorVisit.Detector), ("t", visitMjdTai), ("o", objects), ("s", sources), ("f", forcedSources));
        return replaced;
    }

    /// <summary>
    /// Copies rows into a transaction-scoped temporary table shaped like the target: encoded whole by the table's column
    /// map into one buffer, then sent as one binary COPY.
    /// </summary>
    private static async Task StageAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string table, IReadOnlyList<string> columns, IReadOnlyList<T> rows,
        Action<CopyBuffer, T> writeRow, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction,
            $"CREATE TEMP TABLE \"stage_{table}\" (LIKE \"{table}\" INCLUDING DEFAULTS) ON COMMIT DROP", cancellationToken);
        await CopyBuffer.CopyRowsAsync(connection, $"COPY \"stage_{table}\" ({ColumnList(columns)}) FROM STDIN (FORMAT BINARY)", rows, writeRow, cancellationToken);
    }

    /// <summary>Creates the monthly partitions the rows need, outside the store's transaction.</summary>
    internal async Task EnsurePartitionsAsync(IEnumerable<double> midpoints, CancellationToken cancellationToken)
    {
        var database = _dataSource.ConnectionString;
        var needed = midpoints.Select(m => (long)Math.Floor(m / DaysPerMonth)).Distinct().Where(k => !KnownPartitions.ContainsKey((database, k))).ToList();
        if (needed.Count == 0)
        {
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var k in needed)
        {
            await using var command = new NpgsqlCommand("SELECT apdb_ensure_partitions(@a, @b)", connection);
            command.Parameters.AddWithValue("a", k * DaysPerMonth);
            command.Parameters.AddWithValue("b", k * DaysPerMonth);
            await command.ExecuteNonQueryAsync(cancellationToken);
            KnownPartitions[(database, k)] = true;
        }
    }

    /// <summary>Forgets which partitions exist: call after dropping partitions or the schema outside this class.</summary>
    public static void ForgetPartitions() => KnownPartitions.Clear();

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Where a store's DiaObject versions come from: given by the caller, or summarised inside the transaction.</summary>
    private readonly record struct VersionPlan(IReadOnlyList<DiaObject>? Objects, IDiaObjectSummarizer? Summarizer);
}
