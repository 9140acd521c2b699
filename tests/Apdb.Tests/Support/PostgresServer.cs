using Apdb.Embedded;
using Npgsql;
using Testcontainers.PostgreSql;

namespace Apdb.Tests.Support;

/// <summary>
/// One PostgreSQL server for the whole test run, chosen in order: <c>APDB_TEST_DB</c> (any server, given as a
/// connection string or URI), Testcontainers when a Docker engine answers, else the project's embedded cluster in a
/// temporary directory. Each test class gets its own database from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private EmbeddedPostgres? _embedded;
    private PostgreSqlContainer? _container;

    /// <summary>A connection string with rights to create databases.</summary>
    public string AdminConnectionString { get; private set; } = string.Empty;

    /// <summary>Which kind of server the run uses, for messages.</summary>
    public string Kind { get; private set; } = string.Empty;

    /// <summary>The embedded cluster, when that is what the run uses.</summary>
    public EmbeddedPostgres? Embedded => _embedded;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("APDB_TEST_DB") is { Length: > 0 } explicitDb)
        {
            AdminConnectionString = ApdbConnector.Normalize(explicitDb);
            Kind = "APDB_TEST_DB";
            return;
        }

        if (DockerMayAnswer())
        {
            try
            {
                _container = new PostgreSqlBuilder("postgres:15").Build();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
                await _container.StartAsync(timeout.Token);
                AdminConnectionString = _container.GetConnectionString();
                Kind = "Testcontainers";
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // No engine after all, or no image reachable: fall back to the embedded cluster.
                if (_container is not null)
                {
                    await _container.DisposeAsync();
                    _container = null;
                }
            }
        }

        var home = Path.Combine(Path.GetTempPath(), $"apdb-tests-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(home);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(home, (UnixFileMode)0b111_101_101);
        }

        _embedded = new EmbeddedPostgres(new EmbeddedPostgresOptions { Home = home, SharedBuffers = "256MB", MaintenanceWorkMem = "256MB" });
        var cluster = await _embedded.StartAsync();
        AdminConnectionString = cluster.ConnectionStringFor("postgres");
        Kind = "embedded";
    }

    /// <summary>Creates an empty database for one test class; dropped at the end of the run.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"t_{prefix.ToLowerInvariant()}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, MaxPoolSize = 50 }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }

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

    private static bool DockerMayAnswer() =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } || File.Exists("/var/run/docker.sock");
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
