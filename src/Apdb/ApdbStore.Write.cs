using System.Collections.Concurrent;
using Apdb.Records;
using Apdb.Sky;
using Npgsql;

namespace Apdb;

public sealed partial class ApdbStore
{
    // Partitions known to exist, per database: creating them takes a lock on the parent table, so it happens in its
    // own short transaction and only when this process has not seen the partition yet.
    private static readonly ConcurrentDictionary<(string Database, long Partition), bool> KnownPartitions = new();

    private static readonly string[] DiaObjectLastFromDiaObject = [.. DiaObjectLast.ColumnNames];

    /// <summary>
    /// Stores one detector-visit in one transaction, in Rubin's order: the detector-visit is registered (a second store
    /// is refused unless <see cref="StoreOptions.ReplaceExisting"/>), DiaObject versions are appended (previous current
    /// versions get <c>validityEndMjdTai</c> = the visit time) and DiaObjectLast replaced, then DiaSources and
    /// DiaForcedSources are inserted. Every bulk write is a binary COPY into a staging table merged in SQL. Any failure
    /// rolls everything back: the APDB never holds part of a detector-visit.
    /// </summary>
    /// <remarks>
    /// <c>pixelId</c> is computed here from ra/dec (HEALPix NESTED depth 29); DiaObject <c>validityStartMjdTai</c> is set
    /// to <paramref name="visitMjdTai"/> and <c>validityEndMjdTai</c> to null, as Rubin's store does.
    /// </remarks>
    public async Task<StoreResult> StoreAsync(
        DetectorVisit detectorVisit,
        double visitMjdTai,
        IReadOnlyList<DiaObject> objects,
        IReadOnlyList<DiaSource> sources,
        IReadOnlyList<DiaForcedSource> forcedSources,
        StoreOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        Preconditions.NotNull(objects);
        Preconditions.NotNull(sources);
        Preconditions.NotNull(forcedSources);
        options ??= StoreOptions.Default;
        if (!double.IsFinite(visitMjdTai))
        {
            Preconditions.ThrowUser($"store of {detectorVisit}: visit time MJD {visitMjdTai} is not finite");
        }

        StoreValidation.Validate(detectorVisit, objects, sources, forcedSources);
        foreach (var o in objects)
        {
            o.ValidityStartMjdTai = visitMjdTai;
            o.ValidityEndMjdTai = null;
            o.PixelId = HealpixNested.Hash(HealpixNested.MaxDepth, o.Ra, o.Dec);
        }

        foreach (var s in sources)
        {
            s.PixelId = HealpixNested.Hash(HealpixNested.MaxDepth, s.Ra, s.Dec);
        }

        foreach (var f in forcedSources)
        {
            f.PixelId = HealpixNested.Hash(HealpixNested.MaxDepth, f.Ra, f.Dec);
        }

        await EnsurePartitionsAsync(sources.Select(s => s.MidpointMjdTai).Concat(forcedSources.Select(f => f.MidpointMjdTai)), cancellationToken);

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var replaced = false;
        try
        {
            replaced = await RegisterAsync(connection, transaction, detectorVisit, visitMjdTai, objects.Count, sources.Count, forcedSources.Count, options, cancellationToken);

            var closed = 0;
            if (objects.Count > 0)
            {
                await StageAsync(connection, transaction, "DiaObject", DiaObject.ColumnNames, objects, DiaObject.WriteRowAsync, cancellationToken);
                closed = await ExecuteAsync(connection, transaction,
                    "UPDATE \"DiaObject\" o SET \"validityEndMjdTai\" = @t FROM \"stage_DiaObject\" s " +
                    "WHERE o.\"diaObjectId\" = s.\"diaObjectId\" AND o.\"validityEndMjdTai\" IS NULL AND o.\"validityStartMjdTai\" < @t",
                    cancellationToken, ("t", visitMjdTai));
                await ExecuteAsync(connection, transaction,
                    $"INSERT INTO \"DiaObject\" ({ColumnList(DiaObject.ColumnNames)}) SELECT {ColumnList(DiaObject.ColumnNames)} FROM \"stage_DiaObject\"",
                    cancellationToken);
                var last = ColumnList(DiaObjectLastFromDiaObject);
                var updates = string.Join(", ", DiaObjectLastFromDiaObject.Where(c => c != "diaObjectId").Select(c => $"{Quote(c)} = EXCLUDED.{Quote(c)}"));
                await ExecuteAsync(connection, transaction,
                    $"INSERT INTO \"DiaObjectLast\" ({last}) SELECT {last} FROM \"stage_DiaObject\" ON CONFLICT (\"diaObjectId\") DO UPDATE SET {updates}",
                    cancellationToken);
            }

            if (sources.Count > 0)
            {
                await StageAsync(connection, transaction, "DiaSource", DiaSource.ColumnNames, sources, DiaSource.WriteRowAsync, cancellationToken);
                await using (var clash = new NpgsqlCommand(
                    "SELECT s.\"diaSourceId\" FROM \"stage_DiaSource\" s WHERE EXISTS (SELECT 1 FROM \"DiaSource\" d WHERE d.\"diaSourceId\" = s.\"diaSourceId\") LIMIT 1",
                    connection, transaction))
                {
                    if (await clash.ExecuteScalarAsync(cancellationToken) is long id)
                    {
                        Preconditions.ThrowUser($"store of {detectorVisit}: DiaSource {id} already exists in the APDB (diaSourceId must be unique)");
                    }
                }

                await ExecuteAsync(connection, transaction,
                    $"INSERT INTO \"DiaSource\" ({ColumnList(DiaSource.ColumnNames)}) SELECT {ColumnList(DiaSource.ColumnNames)} FROM \"stage_DiaSource\"",
                    cancellationToken);
            }

            if (forcedSources.Count > 0)
            {
                await StageAsync(connection, transaction, "DiaForcedSource", DiaForcedSource.ColumnNames, forcedSources, DiaForcedSource.WriteRowAsync, cancellationToken);
                await ExecuteAsync(connection, transaction,
                    $"INSERT INTO \"DiaForcedSource\" ({ColumnList(DiaForcedSource.ColumnNames)}) SELECT {ColumnList(DiaForcedSource.ColumnNames)} FROM \"stage_DiaForcedSource\"",
                    cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return new StoreResult(detectorVisit, objects.Count, closed, sources.Count, forcedSources.Count, replaced);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ApdbUserException($"store of {detectorVisit} refused, nothing written: {DescribeUniqueViolation(ex)}", ex);
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
                    Preconditions.ThrowUser($"store of {detectorVisit} refused, nothing written: the detector-visit is already stored (use the replace option to rewrite it)");
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

    private static async Task DeleteDetectorVisitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DetectorVisit detectorVisit, double previousTime, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        await using (var deleteSources = new NpgsqlCommand(
            "DELETE FROM \"DiaSource\" WHERE visit = @v AND detector = @d RETURNING \"diaObjectId\"", connection, transaction))
        {
            deleteSources.Parameters.AddWithValue("v", detectorVisit.Visit);
            deleteSources.Parameters.AddWithValue("d", detectorVisit.Detector);
            await using var reader = await deleteSources.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!reader.IsDBNull(0))
                {
                    ids.Add(reader.GetInt64(0));
                }
            }
        }

        var idArray = ids.Distinct().ToArray();
        await ExecuteAsync(connection, transaction, "DELETE FROM \"DiaForcedSource\" WHERE visit = @v AND detector = @d", cancellationToken,
            ("v", detectorVisit.Visit), ("d", detectorVisit.Detector));
        await ExecuteAsync(connection, transaction, "DELETE FROM \"DiaObject\" WHERE \"diaObjectId\" = ANY(@ids) AND \"validityStartMjdTai\" = @t", cancellationToken,
            ("ids", idArray), ("t", previousTime));
        await ExecuteAsync(connection, transaction, "UPDATE \"DiaObject\" SET \"validityEndMjdTai\" = NULL WHERE \"diaObjectId\" = ANY(@ids) AND \"validityEndMjdTai\" = @t", cancellationToken,
            ("ids", idArray), ("t", previousTime));
        await ExecuteAsync(connection, transaction, "DELETE FROM \"DiaObjectLast\" WHERE \"diaObjectId\" = ANY(@ids)", cancellationToken, ("ids", idArray));
        var last = ColumnList(DiaObjectLastFromDiaObject);
        await ExecuteAsync(connection, transaction,
            $"INSERT INTO \"DiaObjectLast\" ({last}) SELECT {last} FROM \"DiaObject\" WHERE \"diaObjectId\" = ANY(@ids) AND \"validityEndMjdTai\" IS NULL",
            cancellationToken, ("ids", idArray));
        await ExecuteAsync(connection, transaction, "DELETE FROM apdb_visit_detector WHERE visit = @v AND detector = @d", cancellationToken,
            ("v", detectorVisit.Visit), ("d", detectorVisit.Detector));
    }

    /// <summary>Copies rows into a transaction-scoped temporary table shaped like the target.</summary>
    private static async Task StageAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string table, IReadOnlyList<string> columns, IReadOnlyList<T> rows,
        Func<NpgsqlBinaryImporter, T, CancellationToken, ValueTask> writeRow, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction,
            $"CREATE TEMP TABLE \"stage_{table}\" (LIKE \"{table}\" INCLUDING DEFAULTS) ON COMMIT DROP", cancellationToken);
        await using var writer = await connection.BeginBinaryImportAsync(
            $"COPY \"stage_{table}\" ({ColumnList(columns)}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await writeRow(writer, row, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>Creates the monthly partitions the rows need, outside the store's transaction.</summary>
    private async Task EnsurePartitionsAsync(IEnumerable<double> midpoints, CancellationToken cancellationToken)
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

    /// <summary>Forgets which partitions exist (after a schema drop in this process).</summary>
    internal static void ForgetPartitions() => KnownPartitions.Clear();

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
