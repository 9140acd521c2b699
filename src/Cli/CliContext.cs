using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Apdb.Embedded;
using Apdb.Schema;
using Npgsql;

namespace Apdb.Cli;

/// <summary>Per-invocation services: where the database is, how to print.</summary>
internal sealed class CliContext : IAsyncDisposable
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly ParseResult _parse;
    private NpgsqlDataSource? _dataSource;

    public CliContext(ParseResult parse)
    {
        _parse = parse;
    }

    public bool Json => _parse.GetValue(GlobalOptions.Json);

    /// <summary>The explicit server (--db, else APDB_DB), or null for the embedded cluster.</summary>
    public string? ExternalDb
    {
        get
        {
            var db = _parse.GetValue(GlobalOptions.Db);
            if (string.IsNullOrWhiteSpace(db))
            {
                db = Environment.GetEnvironmentVariable("APDB_DB");
            }

            return string.IsNullOrWhiteSpace(db) ? null : db;
        }
    }

    public string? ConnectionString { get; private set; }

    public EmbeddedCluster? Cluster { get; private set; }

    public static EmbeddedPostgres Embedded() => new();

    /// <summary>Connects to the APDB server, starting the embedded cluster when no server was given.</summary>
    public async Task<NpgsqlDataSource> GetDataSourceAsync(CancellationToken cancellationToken)
    {
        if (_dataSource is not null)
        {
            return _dataSource;
        }

        if (Commands.ShardedCommands.IsSharded(this))
        {
            // A sharded APDB answers SQL through its coordinator, which sees every shard's rows.
            var (target, _) = await Commands.ShardedCommands.TargetAsync(this, null, cancellationToken);
            ConnectionString = target.Coordinator ?? throw new ApdbUserException("this command needs the sharded APDB's coordinator: add 'coordinator=<URI>' to --db");
        }
        else if (ExternalDb is { } db)
        {
            ConnectionString = ApdbConnector.Normalize(db);
        }
        else
        {
            Cluster = await Embedded().StartAsync(cancellationToken);
            ConnectionString = Cluster.ConnectionString;
        }

        _dataSource = await ApdbConnector.ConnectAsync(ConnectionString, cancellationToken);
        return _dataSource;
    }

    /// <summary>
    /// Connects as the APDB's reader or writer role (<see cref="ApdbRoles"/>). On the embedded cluster that is a login of
    /// its own; with --db / APDB_DB it is the given user, whose rights the server decides.
    /// </summary>
    public async Task<NpgsqlDataSource> GetDataSourceAsync(ApdbRole role, CancellationToken cancellationToken)
    {
        if (_dataSource is not null || ExternalDb is not null || Commands.ShardedCommands.IsSharded(this))
        {
            return await GetDataSourceAsync(cancellationToken);
        }

        Cluster = await Embedded().StartAsync(cancellationToken);
        ConnectionString = await Cluster.LoginConnectionStringAsync(role, cancellationToken);
        _dataSource = await ApdbConnector.ConnectAsync(ConnectionString, cancellationToken);
        return _dataSource;
    }

    public void WriteJson(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }
}
