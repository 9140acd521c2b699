using System.Globalization;
using Apdb.Serve.Adql;
using Apdb.Serve.Catalog;
using Npgsql;

namespace Apdb.Serve.Tap;

/// <summary>
/// Runs one ADQL query: translated first (a bad query fails before anything is written), then executed in a
/// read-only transaction under the statement timeout, with at most MAXREC + 1 rows fetched so that overflow shows.
/// </summary>
public sealed class TapQueryRunner
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly TapCatalog _catalog;
    private readonly ServeOptions _options;

    /// <summary>Creates a runner over a data source whose login may only read the APDB.</summary>
    public TapQueryRunner(NpgsqlDataSource dataSource, TapCatalog catalog, ServeOptions options)
    {
        _dataSource = dataSource ?? throw new ArgumentNullException(nameof(dataSource));
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>The service's options.</summary>
    public ServeOptions Options => _options;

    /// <summary>The catalog queries are checked against.</summary>
    public TapCatalog Catalog => _catalog;

    /// <summary>The PostgreSQL a request runs (for tests and EXPLAIN).</summary>
    public TranslatedQuery Translate(TapRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdqlTranslator.Translate(_catalog, request.Query, request.MaxRec + 1);
    }

    /// <summary>Runs the request and writes its result to <paramref name="output"/>.</summary>
    /// <exception cref="AdqlException">The query is not ADQL this service accepts (nothing written).</exception>
    /// <exception cref="TapException">The database refused the query before returning rows (nothing written).</exception>
    public async Task<(long Rows, bool Overflow)> RunAsync(TapRequest request, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var translated = Translate(request);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await PrepareAsync(connection, transaction, cancellationToken);
        await using var command = new NpgsqlCommand(translated.Sql, connection, transaction)
        {
            // The server's timeout ends the statement; the client's is a backstop for a server that stops answering.
            CommandTimeout = (int)Math.Ceiling(_options.StatementTimeout.TotalSeconds) + 10,
        };
        NpgsqlDataReader reader;
        try
        {
            reader = await command.ExecuteReaderAsync(cancellationToken);
        }
        catch (PostgresException ex)
        {
            throw new TapException(Describe(ex), ex);
        }

        await using (reader)
        {
            var columns = translated.Fields.Select((f, i) => ResultColumn.From(f, reader.GetFieldType(i))).ToList();
            return request.Format == OutputFormat.Csv
                ? await CsvResultWriter.WriteAsync(output, columns, reader, request.MaxRec, cancellationToken)
                : await VoTableWriter.WriteAsync(output, request.Format, columns, reader, request.MaxRec, request.Query, cancellationToken);
        }
    }

    /// <summary>Runs any read-only SQL the service itself composes (the web page), under the same transaction settings.</summary>
    public async Task<List<object?[]>> ReadAsync(string sql, IReadOnlyList<NpgsqlParameter> parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await PrepareAsync(connection, transaction, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReaderRows.ReadAllAsync(reader, cancellationToken);
    }

    /// <summary>A one-line description of a database error for the user.</summary>
    public static string Describe(PostgresException ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex.SqlState switch
        {
            PostgresErrorCodes.QueryCanceled => "the query ran longer than the service's statement timeout and was cancelled: narrow it (a cone, TOP, fewer columns)",
            PostgresErrorCodes.InsufficientPrivilege => $"not allowed: {ex.MessageText} (the service reads through a read-only role)",
            PostgresErrorCodes.ReadOnlySqlTransaction => $"not allowed: {ex.MessageText} (the service only reads)",
            _ => $"the database refused the query: {ex.MessageText}",
        };
    }

    private async Task PrepareAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var timeoutMs = ((long)_options.StatementTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var sql = "SET TRANSACTION READ ONLY; "
            + $"SET LOCAL statement_timeout = {timeoutMs}; "
            + "SET LOCAL standard_conforming_strings = on; "
            + "SET LOCAL work_mem = '64MB'"
            + (_options.Role is { } role ? $"; SET LOCAL ROLE {SqlText.Identifier(role)}" : string.Empty);
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
