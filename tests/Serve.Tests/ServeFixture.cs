using System.Security.Cryptography;
using Apdb.Embedded;
using Apdb.History;
using Apdb.Schema;
using Npgsql;

namespace Apdb.Serve.Tests;

/// <summary>
/// One APDB with two months of the tiny preset's history, and <c>apdb serve</c> running in-process on a free loopback
/// port, logged in as the database's read-only role. PostgreSQL is <c>APDB_TEST_DB</c> when set, else an embedded
/// cluster of its own in a temporary directory.
/// </summary>
public sealed class ServeFixture : IAsyncLifetime
{
    public const double ConeRa = 60.0;
    public const double ConeDec = -62.0;

    private EmbeddedPostgres? _embedded;
    private string _home = string.Empty;

    public NpgsqlDataSource Admin { get; private set; } = null!;

    public NpgsqlDataSource Reader { get; private set; } = null!;

    public string ReaderRole { get; private set; } = string.Empty;

    public string ReaderConnectionString { get; private set; } = string.Empty;

    public ServeHost Host { get; private set; } = null!;

    public ServeOptions Options { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public Uri TapUrl => new(Host.Address, "tap");

    public string ReportDirectory { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var admin = await AdminConnectionStringAsync();
        var name = $"t_serve_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var adminDb = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        Admin = NpgsqlDataSource.Create(adminDb);
        await SchemaMigrator.MigrateAsync(Admin);
        await HistoryLoader.LoadAsync(Admin, "tiny", months: 2, seed: 7);
        ReaderRole = ApdbRoles.NameFor(name, ApdbRole.Reader);
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using (var login = Admin.CreateCommand($"ALTER ROLE {Apdb.Serve.Catalog.SqlText.Identifier(ReaderRole)} WITH LOGIN PASSWORD '{password}'"))
        {
            await login.ExecuteNonQueryAsync();
        }

        ReaderConnectionString = new NpgsqlConnectionStringBuilder(adminDb) { Username = ReaderRole, Password = password }.ConnectionString;
        Reader = NpgsqlDataSource.Create(ReaderConnectionString);
        ReportDirectory = Directory.CreateTempSubdirectory("apdb-serve-report-").FullName;
        await File.WriteAllTextAsync(Path.Combine(ReportDirectory, "run.json"),
            """{"visits":2,"detectorVisits":4,"stages":{"isr":{"seconds":0.5,"calls":4},"associate":{"seconds":0.25,"calls":4}},"association":{"purity":0.998,"completeness":0.97}}""");
        Options = new ServeOptions
        {
            Port = 0,
            StatementTimeout = TimeSpan.FromSeconds(3),
            DefaultMaxRec = 1_000,
            HardMaxRec = 1_200,
            ReportDirectory = ReportDirectory,
        };
        Host = await ServeHost.StartAsync(ReaderConnectionString, Options);
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Host.Address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task<List<long>> ScalarsAsync(string sql)
    {
        await using var command = Admin.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<long>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetInt64(0));
        }

        return values;
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        if (Reader is not null)
        {
            await Reader.DisposeAsync();
        }

        if (Admin is not null)
        {
            await Admin.DisposeAsync();
        }

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

        try
        {
            Directory.Delete(ReportDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private async Task<string> AdminConnectionStringAsync()
    {
        if (Environment.GetEnvironmentVariable("APDB_TEST_DB") is { Length: > 0 } explicitDb)
        {
            return ApdbConnector.Normalize(explicitDb);
        }

        _home = Path.Combine(Path.GetTempPath(), $"apdb-serve-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(_home);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_home, (UnixFileMode)0b111_101_101);
        }

        _embedded = new EmbeddedPostgres(new EmbeddedPostgresOptions { Home = _home, SharedBuffers = "128MB", MaintenanceWorkMem = "128MB" });
        var cluster = await _embedded.StartAsync();
        return cluster.ConnectionStringFor("postgres");
    }
}

[CollectionDefinition(Name)]
public sealed class ServeCollection : ICollectionFixture<ServeFixture>
{
    public const string Name = "serve";
}
