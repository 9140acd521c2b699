using Npgsql;

namespace Apdb.Association.Sql;

/// <summary>The q3c PostgreSQL extension (Koposov and Bartunov 2006): availability and creation.</summary>
public static class Q3cExtension
{
    /// <summary>What to install when the server lacks q3c.</summary>
    public const string InstallHint = "Debian: apt-get install postgresql-15-q3c (postgresql-<major>-q3c for the server's major version)";

    /// <summary>True when the server can create (or already has) the q3c extension.</summary>
    /// <param name="dataSource">The server.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>Whether q3c is available.</returns>
    public static async Task<bool> IsAvailableAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'q3c')");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Creates the extension in the connection's database unless it is there.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when q3c functions can be called.</returns>
    /// <exception cref="AssociationInputException">The server lacks q3c, or the user may not create it.</exception>
    internal static async Task EnsureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var check = new NpgsqlCommand("SELECT installed_version IS NOT NULL FROM pg_available_extensions WHERE name = 'q3c'", connection))
        {
            var installed = await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (installed is null)
            {
                throw new AssociationInputException($"the q3c strategy needs the PostgreSQL extension q3c, which this server does not have ({InstallHint})");
            }

            if (installed is true)
            {
                return;
            }
        }

        try
        {
            await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS q3c", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateObject)
        {
            // Another session created it at the same moment.
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new AssociationInputException($"the q3c strategy needs the q3c extension in this database and the user may not create it: {e.MessageText} (ask the owner to run CREATE EXTENSION q3c)", e);
        }
    }
}
