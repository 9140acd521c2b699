using Apdb.Schema;
using Npgsql;

namespace Apdb.Tests.Support;

/// <summary>A fresh database with the APDB schema, owned by one test class.</summary>
public sealed class ApdbDatabase : IAsyncDisposable
{
    private ApdbDatabase(string connectionString, NpgsqlDataSource dataSource)
    {
        ConnectionString = connectionString;
        DataSource = dataSource;
        Store = new ApdbStore(dataSource);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public ApdbStore Store { get; }

    public static async Task<ApdbDatabase> CreateAsync(PostgresServer server, string prefix, bool migrate = true)
    {
        var connectionString = await server.CreateDatabaseAsync(prefix);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        if (migrate)
        {
            await SchemaMigrator.MigrateAsync(dataSource);
        }

        return new ApdbDatabase(connectionString, dataSource);
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync() => await DataSource.DisposeAsync();
}
