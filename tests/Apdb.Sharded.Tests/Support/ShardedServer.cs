using Apdb.Embedded;
using Npgsql;

namespace Apdb.Sharded.Tests.Support;

/// <summary>
/// One embedded PostgreSQL for the run, allowing prepared transactions; each test class makes its sharded APDB as
/// databases on it (a coordinator and three shards, plus a single-server APDB to compare with). Shards in databases
/// of one server exercise the same SQL, postgres_fdw connections and two-phase commits as shards on separate servers.
/// </summary>
public sealed class ShardedServer : IAsyncLifetime
{
    private EmbeddedPostgres? _embedded;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, ShardedScratch> _scratch = new();

    public EmbeddedCluster Cluster { get; private set; } = null!;

    /// <summary>The run's scratch sharded APDB of one layout, its databases named after <paramref name="prefix"/>.</summary>
    public ShardedScratch ScratchFor(string prefix, ShardLayout layout) =>
        _scratch.GetOrAdd(prefix, p => new ShardedScratch(this, layout, p));

    public async Task InitializeAsync()
    {
        var home = Path.Combine(Path.GetTempPath(), $"apdb-shard-tests-{Environment.ProcessId}-{Guid.NewGuid():N}"[..46]);
        Directory.CreateDirectory(home);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(home, (UnixFileMode)0b111_101_101);
        }

        _embedded = new EmbeddedPostgres(new EmbeddedPostgresOptions { Home = home, SharedBuffers = "256MB", MaintenanceWorkMem = "256MB" });
        Cluster = await ShardedEmbedded.StartShardAsync(_embedded);
    }

    /// <summary>An empty database; its connection string carries the password (the coordinator's user mappings need it).</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(Cluster.ConnectionStringFor("postgres"));
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(Cluster.ConnectionStringFor(name)) { MaxPoolSize = 40 }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_embedded is not null)
        {
            await _embedded.StopAsync();
            try
            {
                _embedded.Delete();
            }
            catch (IOException)
            {
                // Best effort: the temp directory is the OS's to clean.
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ShardedCollection : ICollectionFixture<ShardedServer>
{
    public const string Name = "sharded";
}
