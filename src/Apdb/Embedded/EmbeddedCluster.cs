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
}
