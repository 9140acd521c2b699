using System.Globalization;
using Apdb.Records;
using Npgsql;

namespace Apdb.Sharded;

public sealed partial class ShardedApdb
{
    private const string GidPrefix = "apdb:";

    private static readonly string DiaObjectColumns = ColumnList(DiaObject.ColumnNames);
    private static readonly string DiaObjectLastColumns = ColumnList(DiaObjectLast.ColumnNames);

    /// <summary>
    /// Called before each <c>COMMIT PREPARED</c> with the shard about to commit; tests throw from it to leave a
    /// store in doubt exactly as a crash of this process at that point would.
    /// </summary>
    internal Func<int, Task>? BeforeCommitPrepared { get; set; }

    private async Task CommitAsync(DetectorVisit dv, int home, Dictionary<int, ShardWrites> writes, RegistryRow registry, CancellationToken cancellationToken)
    {
        if (writes.Count == 1)
        {
            await OnShardAsync(home, async dataSource =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await WritePartAsync(connection, writes[home], registry, null, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return true;
            });
            return;
        }

        var gid = string.Create(CultureInfo.InvariantCulture, $"{GidPrefix}{dv.Visit}:{dv.Detector}:{Guid.NewGuid():N}");
        var shards = writes.Keys.Order().ToList();
        var prepared = await Task.WhenAll(shards.Select(i => PrepareAsync(i, writes[i], i == home ? registry : null, gid, cancellationToken)));
        if (prepared.Any(p => p.Failure is not null))
        {
            await Task.WhenAll(shards.Where((_, k) => prepared[k].Failure is null).Select(i => FinishPreparedAsync(i, gid, commit: false, CancellationToken.None)));
            var failure = prepared.First(p => p.Failure is not null).Failure!;
            throw failure is ApdbUserException user
                ? new ApdbUserException(user.Message + "; nothing of the detector-visit was written", user)
                : failure;
        }

        // The decision: commit. The home shard (registry row) goes last, so the registry is never ahead of the data.
        foreach (var i in shards.Where(s => s != home).Append(home))
        {
            if (BeforeCommitPrepared is { } hook)
            {
                await hook(i);
            }

            await OnShardAsync(i, async _ => await FinishPreparedAsync(i, gid, commit: true, cancellationToken));
        }
    }

    /// <summary>Writes one shard's part and prepares it; returns the failure instead of throwing, so the others can be rolled back.</summary>
    private async Task<(int Shard, Exception? Failure)> PrepareAsync(int shard, ShardWrites part, RegistryRow? registry, string gid, CancellationToken cancellationToken)
    {
        try
        {
            await OnShardAsync(shard, async dataSource =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                try
                {
                    await ExecuteAsync(connection, "BEGIN", cancellationToken);
                    await WritePartAsync(connection, part, registry, gid, cancellationToken);
                    await ExecuteAsync(connection, $"PREPARE TRANSACTION '{PreparedId(gid, shard)}'", cancellationToken);
                }
                catch
                {
                    await TryExecuteAsync(connection, "ROLLBACK");
                    throw;
                }

                return true;
            });
            return (shard, null);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return (shard, new ApdbUserException($"store of {registry?.DetectorVisit.ToString() ?? gid} refused on {NameOf(shard)}: {ex.MessageText} ({ex.Detail})", ex));
        }
        catch (Exception ex)
        {
            return (shard, ex);
        }
    }

    private async Task<bool> FinishPreparedAsync(int shard, string gid, bool commit, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _shards[shard].OpenConnectionAsync(cancellationToken);
            await ExecuteAsync(connection, $"{(commit ? "COMMIT" : "ROLLBACK")} PREPARED '{PreparedId(gid, shard)}'", cancellationToken);
            return true;
        }
        catch (Exception ex) when (!commit && (ShardFailure.IsUnavailable(ex) || ex is PostgresException { SqlState: PostgresErrorCodes.UndefinedObject }))
        {
            // Left for ResolveInDoubtAsync: without a committed marker anywhere it is rolled back.
            return false;
        }
    }

    /// <summary>
    /// A part's prepared-transaction id: the store's id and the shard. Prepared ids are unique per server, and two
    /// shards may be databases of one server.
    /// </summary>
    private static string PreparedId(string gid, int shard) => string.Create(CultureInfo.InvariantCulture, $"{gid}:{shard}");

    private async Task WritePartAsync(NpgsqlConnection connection, ShardWrites part, RegistryRow? registry, string? gid, CancellationToken cancellationToken)
    {
        if (part.Before is { } removal)
        {
            await WritePartAsync(connection, removal, null, null, cancellationToken);
        }

        if (part.DeleteRowsOf is { } rowsOf)
        {
            foreach (var table in new[] { "DiaSource", "DiaForcedSource", "DiaSourcePacked", "DiaForcedSourcePacked" })
            {
                await ExecuteAsync(connection, $"DELETE FROM {Quote(table)} WHERE visit = @v AND detector = @d", cancellationToken, ("v", rowsOf.Visit), ("d", rowsOf.Detector));
            }
        }

        if (part.DeleteRegistry is { } registered)
        {
            await ExecuteAsync(connection, "DELETE FROM apdb_visit_detector WHERE visit = @v AND detector = @d", cancellationToken,
                ("v", registered.Visit), ("d", registered.Detector));
        }

        if (registry is not null)
        {
            await ExecuteAsync(connection,
                "INSERT INTO apdb_visit_detector (visit, detector, \"visitMjdTai\", \"nDiaObjects\", \"nDiaSources\", \"nDiaForcedSources\") VALUES (@v, @d, @t, @o, @s, @f)",
                cancellationToken, ("v", registry.DetectorVisit.Visit), ("d", registry.DetectorVisit.Detector), ("t", registry.VisitMjdTai),
                ("o", registry.DiaObjects), ("s", registry.DiaSources), ("f", registry.DiaForcedSources));
        }

        if (gid is not null)
        {
            await ExecuteAsync(connection, "INSERT INTO apdb_store_part (gid) VALUES (@g)", cancellationToken, ("g", gid));
        }

        if (part.DeleteVersions.Count > 0)
        {
            await ExecuteAsync(connection,
                "DELETE FROM \"DiaObject\" o USING unnest(@ids, @starts) AS u(id, s) WHERE o.\"diaObjectId\" = u.id AND o.\"validityStartMjdTai\" = u.s",
                cancellationToken, ("ids", part.DeleteVersions.Select(v => v.Id).ToArray()), ("starts", part.DeleteVersions.Select(v => v.Start).ToArray()));
        }

        if (part.CloseVersions.Count > 0)
        {
            await ExecuteAsync(connection,
                "UPDATE \"DiaObject\" o SET \"validityEndMjdTai\" = u.e FROM unnest(@ids, @starts, @ends) AS u(id, s, e) " +
                "WHERE o.\"diaObjectId\" = u.id AND o.\"validityStartMjdTai\" = u.s",
                cancellationToken, ("ids", part.CloseVersions.Select(v => v.Id).ToArray()), ("starts", part.CloseVersions.Select(v => v.Start).ToArray()),
                ("ends", part.CloseVersions.Select(v => v.End).ToArray()));
        }

        await CopyAsync(connection, "DiaObject", DiaObjectColumns, part.InsertVersions, Records.DiaObjectColumns.WriteCopyRow, cancellationToken);
        if (part.DeleteLast.Count > 0)
        {
            await ExecuteAsync(connection, "DELETE FROM \"DiaObjectLast\" WHERE \"diaObjectId\" = ANY(@ids)", cancellationToken, ("ids", part.DeleteLast.ToArray()));
        }

        if (part.InsertLast.Count > 0)
        {
            await ExecuteAsync(connection,
                $"INSERT INTO \"DiaObjectLast\" ({DiaObjectLastColumns}) SELECT {string.Join(", ", DiaObjectLast.ColumnNames.Select(c => "o." + Quote(c)))} " +
                "FROM \"DiaObject\" o JOIN unnest(@ids, @starts) AS u(id, s) ON o.\"diaObjectId\" = u.id AND o.\"validityStartMjdTai\" = u.s",
                cancellationToken, ("ids", part.InsertLast.Select(v => v.Id).ToArray()), ("starts", part.InsertLast.Select(v => v.Start).ToArray()));
        }

        await CopyAsync(connection, "DiaSource", ColumnList(DiaSource.ColumnNames), part.Sources, Records.DiaSourceColumns.WriteCopyRow, cancellationToken);
        await CopyAsync(connection, "DiaForcedSource", ColumnList(DiaForcedSource.ColumnNames), part.ForcedSources, Records.DiaForcedSourceColumns.WriteCopyRow, cancellationToken);

        // The shard's packed preload companions get the same rows, packed by the server from what was just copied.
        var written = part.Sources.Select(s => (s.Visit, s.Detector)).Concat(part.ForcedSources.Select(f => (f.Visit, f.Detector))).Distinct();
        foreach (var (visit, detector) in written)
        {
            await ExecuteAsync(connection, "SELECT apdb_pack_detector_visit(@v, @d)", cancellationToken, ("v", visit), ("d", (int)detector));
        }
    }

    private static async Task CopyAsync<T>(
        NpgsqlConnection connection, string table, string columns, List<T> rows, Action<CopyBuffer, T> writeRow,
        CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        // Encoded whole by the table's generated column map, then sent as one binary COPY (as the single server does).
        await CopyBuffer.CopyRowsAsync(connection, $"COPY {Quote(table)} ({columns}) FROM STDIN (FORMAT BINARY)", rows, writeRow, cancellationToken);
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task TryExecuteAsync(NpgsqlConnection connection, string sql)
    {
        try
        {
            await ExecuteAsync(connection, sql, CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken session has no transaction left to end.
        }
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string ColumnList(IEnumerable<string> columns) => string.Join(", ", columns.Select(Quote));
}
