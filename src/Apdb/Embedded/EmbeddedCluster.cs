using System.Security.Cryptography;
using Apdb.Schema;
using Npgsql;

namespace Apdb.Embedded;

/// <summary>How to reach a running embedded cluster.</summary>
public sealed class EmbeddedCluster
{
    internal EmbeddedCluster(string host, int port, string user, string password, string database, string dataDirectory, int serverPid)
    {
        Host = host;
        Port = port;
        User = user;
        Password = password;
        Database = database;
        DataDirectory = dataDirectory;
        ServerPid = serverPid;
    }

    /// <summary>The loopback address the server listens on.</summary>
    public string Host { get; }

    /// <summary>The TCP port.</summary>
    public int Port { get; }

    /// <summary>The cluster's superuser, which owns the APDB database.</summary>
    public string User { get; }

    /// <summary>The generated secret (stored with mode 0600 beside the cluster).</summary>
    public string Password { get; }

    /// <summary>The APDB database name.</summary>
    public string Database { get; }

    /// <summary>The cluster's data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The postmaster's process id.</summary>
    public int ServerPid { get; }

    /// <summary>An Npgsql connection string for the APDB database.</summary>
    public string ConnectionString => ConnectionStringFor(Database);

    /// <summary>A libpq URI (works with psql) for the APDB database.</summary>
    public string Uri => $"postgresql://{System.Uri.EscapeDataString(User)}:{System.Uri.EscapeDataString(Password)}@{Host}:{Port}/{System.Uri.EscapeDataString(Database)}";

    /// <summary>A connection string for another database of the same cluster.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = User,
        Password = Password,
        Database = database,
        MaxPoolSize = 200,
    }.ConnectionString;

    /// <summary>
    /// A connection string that logs in to the APDB database as its writer or reader role (<see cref="ApdbRoles"/>,
    /// created by <c>apdb init</c>) instead of the superuser. On first use the role is given LOGIN and a generated
    /// password, kept beside the cluster's secret in a file only its owner can read.
    /// </summary>
    public async Task<string> LoginConnectionStringAsync(ApdbRole role, CancellationToken cancellationToken = default)
    {
        if (role == ApdbRole.Owner)
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "the owner role does not log in: migrations run through the superuser");
        }

        var name = ApdbRoles.NameFor(Database, role);
        var secretPath = Path.Combine(Path.GetDirectoryName(DataDirectory)!, $"secret-{name}");
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Two commands starting at once must agree on one password: the file is read or written under this lock.
        await using (var gate = new NpgsqlCommand("SELECT pg_advisory_xact_lock(4242003)", connection, transaction))
        {
            await gate.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = @name", connection, transaction))
        {
            exists.Parameters.AddWithValue("name", name);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                throw new ApdbUserException($"role {name} does not exist in the embedded cluster ({DataDirectory}): run 'apdb init' first");
            }
        }

        // The password goes into ALTER ROLE as a literal, so only what this method writes (hex) is ever used.
        var password = File.Exists(secretPath) ? await SecretFile.ReadAsync(secretPath, cancellationToken) : string.Empty;
        if (password.Length < 32 || !password.All(char.IsAsciiHexDigitLower))
        {
            password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            await SecretFile.WriteAsync(secretPath, password, cancellationToken);
        }

        // Stated every time: 'apdb init --drop' or a DBA may have changed the role since the password was made.
        await using (var login = new NpgsqlCommand($"ALTER ROLE {ApdbRoles.Quote(name)} WITH LOGIN PASSWORD '{password}'", connection, transaction))
        {
            await login.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Username = name, Password = password }.ConnectionString;
    }
}
