using Npgsql;

namespace Apdb;

/// <summary>
/// A session advisory lock held on its own connection from <see cref="TryAcquireAsync"/> until disposed: one job of a
/// kind per database at a time (a history load, the daily maintenance). A second caller is refused at once rather
/// than queued, so it never works under the first one; a crashed holder's session ends and its lock with it.
/// </summary>
public sealed class SessionLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private SessionLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    /// <summary>Takes lock <paramref name="key"/>, or throws <see cref="ApdbUserException"/> with the refusal message.</summary>
    /// <param name="dataSource">The database the lock is on.</param>
    /// <param name="key">The advisory lock key of the job.</param>
    /// <param name="refusal">The message when another session holds it; <c>{0}</c> is replaced by the database name.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    public static async Task<SessionLock> TryAcquireAsync(NpgsqlDataSource dataSource, long key, string refusal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(refusal);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(@key)", connection);
            command.Parameters.AddWithValue("key", key);
            if (await command.ExecuteScalarAsync(cancellationToken) is not true)
            {
                throw new ApdbUserException(refusal.Replace("{0}", connection.Database, StringComparison.Ordinal));
            }

            return new SessionLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Releases the lock explicitly (a pooled connection keeps its session, and with it the lock, until next used),
    /// then returns the connection.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", _connection);
            unlock.Parameters.AddWithValue("key", _key);
            await unlock.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The session is gone, and its locks with it.
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }
}
