using System.Net.Sockets;
using Npgsql;

namespace Apdb;

/// <summary>
/// Opens an APDB data source from a connection string or a libpq URI and turns connection failures (unreachable
/// server, wrong credentials, missing database) into one-line user errors that name the server.
/// </summary>
public static class ApdbConnector
{
    /// <summary>Accepts <c>Host=...;Username=...</c> or <c>postgresql://user:secret@host:port/db</c>; returns an Npgsql connection string.</summary>
    public static string Normalize(string connection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        if (!connection.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) && !connection.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(connection).ConnectionString;
            }
            catch (ArgumentException ex)
            {
                throw new ApdbUserException($"--db / APDB_DB is not a valid connection string: {ex.Message}", ex);
            }
        }

        if (!Uri.TryCreate(connection, UriKind.Absolute, out var uri))
        {
            throw new ApdbUserException($"--db / APDB_DB is not a valid postgresql:// URI: {connection}");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = string.IsNullOrEmpty(uri.Host) ? "localhost" : uri.Host };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length == 2 && kv[0] == "host")
            {
                builder.Host = Uri.UnescapeDataString(kv[1]);
            }
        }

        return builder.ConnectionString;
    }

    /// <summary><c>host:port/database</c> for messages (never the password).</summary>
    public static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Host}:{b.Port}/{b.Database ?? b.Username}";
    }

    /// <summary>Builds a data source and opens one connection to prove it works.</summary>
    public static async Task<NpgsqlDataSource> ConnectAsync(string connection, CancellationToken cancellationToken = default)
    {
        var connectionString = Normalize(connection);
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        try
        {
            await using var probe = await dataSource.OpenConnectionAsync(cancellationToken);
            return dataSource;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await dataSource.DisposeAsync();
            throw Explain(connectionString, ex);
        }
    }

    /// <summary>A one-line user error for a failed connection.</summary>
    public static ApdbUserException Explain(string connectionString, Exception ex)
    {
        var where = Describe(connectionString);
        var user = new NpgsqlConnectionStringBuilder(connectionString).Username;
        return ex switch
        {
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
                new ApdbUserException($"PostgreSQL at {where} refused the credentials of user '{user}': check the user and password in --db / APDB_DB", ex),
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } pg =>
                new ApdbUserException($"PostgreSQL at {where}: {pg.MessageText}", ex),
            PostgresException pg => new ApdbUserException($"PostgreSQL at {where}: {pg.MessageText}", ex),
            NpgsqlException { InnerException: SocketException socket } =>
                new ApdbUserException($"cannot reach PostgreSQL at {where}: {socket.Message}", ex),
            NpgsqlException { InnerException: TimeoutException } or TimeoutException =>
                new ApdbUserException($"cannot reach PostgreSQL at {where}: the connection timed out", ex),
            _ => new ApdbUserException($"cannot connect to PostgreSQL at {where}: {ex.Message}", ex),
        };
    }
}
