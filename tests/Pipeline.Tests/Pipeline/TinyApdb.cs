using Apdb.History;
using Apdb.Schema;
using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Pipeline.Tests.Pipeline;

/// <summary>A database of its own on the run's shared server, holding the 12-month <c>tiny</c> history (seed 1).</summary>
internal sealed class TinyApdb : IAsyncDisposable
{
    private TinyApdb(NpgsqlDataSource dataSource, LoadedSurvey survey)
    {
        DataSource = dataSource;
        Store = new ApdbStore(dataSource);
        Survey = survey;
    }

    public NpgsqlDataSource DataSource { get; }

    public ApdbStore Store { get; }

    public LoadedSurvey Survey { get; }

    public static async Task<TinyApdb> CreateAsync(PostgresServer server, string prefix)
    {
        var connectionString = await server.CreateDatabaseAsync(prefix);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        await SchemaMigrator.MigrateAsync(dataSource);
        await HistoryLoader.LoadAsync(dataSource, "tiny", 12, 1);
        return new TinyApdb(dataSource, await LoadedSurvey.ReadAsync(dataSource));
    }

    public async Task<long> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync() => await DataSource.DisposeAsync();
}
