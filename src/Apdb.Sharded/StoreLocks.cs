using Npgsql;

namespace Apdb.Sharded;

/// <summary>
/// A store's locks, held in one transaction on the lock server until the store has committed everywhere: first the
/// detector-visit (two stores of it run one after the other), then its DiaObjects in ascending id order (stores that
/// share an object queue; the single order means no deadlock). Transaction-scoped advisory locks: a crashed holder's
/// locks go with its session.
/// </summary>
internal sealed class StoreLocks : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;

    private StoreLocks(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>Takes the locks, waiting for other stores that hold them.</summary>
    public static Task<StoreLocks> AcquireAsync(NpgsqlDataSource lockServer, DetectorVisit detectorVisit, long[] sortedObjectIds, CancellationToken cancellationToken) =>
        AcquireAsync(lockServer, detectorVisit, () => Task.FromResult(sortedObjectIds), cancellationToken);

    /// <summary>
    /// Takes the detector-visit's lock, then asks <paramref name="objectIdsUnderVisitLock"/> for the objects to lock
    /// (ascending ids), which may read what only a store of this detector-visit changes (the rows a replace removes).
    /// </summary>
    public static async Task<StoreLocks> AcquireAsync(
        NpgsqlDataSource lockServer, DetectorVisit detectorVisit, Func<Task<long[]>> objectIdsUnderVisitLock, CancellationToken cancellationToken)
    {
        NpgsqlConnection? connection = null;
        try
        {
            connection = await lockServer.OpenConnectionAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var visit = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@k1, @k2)", connection, transaction))
            {
                // The two-key form: a lock space apart from the object ids' one-key locks.
                visit.Parameters.AddWithValue("k1", (int)(detectorVisit.Visit ^ (detectorVisit.Visit >> 32)));
                visit.Parameters.AddWithValue("k2", (int)detectorVisit.Detector);
                await visit.ExecuteNonQueryAsync(cancellationToken);
            }

            var sortedObjectIds = await objectIdsUnderVisitLock();
            if (sortedObjectIds.Length > 0)
            {
                await using var objects = new NpgsqlCommand(
                    "SELECT count(pg_advisory_xact_lock(id)) FROM (SELECT id FROM unnest(@ids) AS id ORDER BY id) AS ordered", connection, transaction);
                objects.Parameters.AddWithValue("ids", sortedObjectIds);
                await objects.ExecuteNonQueryAsync(cancellationToken);
            }

            return new StoreLocks(connection, transaction);
        }
        catch (Exception ex) when (ShardFailure.IsUnavailable(ex))
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            throw ShardFailure.Unavailable($"the lock server ({ApdbConnector.Describe(lockServer.ConnectionString)})", ex);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Releases the locks (ends the transaction).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _transaction.RollbackAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // The session is gone, and its locks with it.
        }

        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
