using Apdb.Embedded;
using Npgsql;

namespace Apdb.Cli.Tests;

/// <summary>
/// A PostgreSQL database for the pipeline commands' tests: on <c>APDB_TEST_DB</c> when set, else on an embedded
/// cluster of its own in a temporary directory (the same launcher the tool uses).
/// </summary>
public sealed class PipelineCliDatabase : IAsyncLifetime
{
    private EmbeddedPostgres? _embedded;
    private string _home = string.Empty;

    /// <summary>A connection string with rights to create databases.</summary>
    public string AdminConnectionString { get; private set; } = string.Empty;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"t_{prefix}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("APDB_TEST_DB") is { Length: > 0 } explicitDb)
        {
            AdminConnectionString = ApdbConnector.Normalize(explicitDb);
            return;
        }

        _home = Path.Combine(Path.GetTempPath(), $"apdb-cli-pipe-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(_home);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_home, (UnixFileMode)0b111_101_101);
        }

        _embedded = new EmbeddedPostgres(new EmbeddedPostgresOptions { Home = _home, SharedBuffers = "128MB", MaintenanceWorkMem = "128MB" });
        var cluster = await _embedded.StartAsync();
        AdminConnectionString = cluster.ConnectionStringFor("postgres");
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
