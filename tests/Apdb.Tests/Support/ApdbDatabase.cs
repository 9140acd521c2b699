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

    /// <summary>Runs one statement that returns no rows.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The columns of the index named <paramref name="index"/>, in order, each with whether it is a key column (not an <c>INCLUDE</c>d one).</summary>
    public async Task<List<(string Name, bool Key)>> IndexColumnsAsync(string index)
    {
        await using var command = DataSource.CreateCommand("""
            SELECT a.attname, k.n <= i.indnkeyatts
            FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE c.relname = @index AND c.relnamespace = to_regnamespace(current_schema())
            ORDER BY k.n
            """);
        command.Parameters.AddWithValue("index", index);
        var columns = new List<(string Name, bool Key)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add((reader.GetString(0), reader.GetBoolean(1)));
        }

        return columns;
    }

    public async ValueTask DisposeAsync() => await DataSource.DisposeAsync();
}
