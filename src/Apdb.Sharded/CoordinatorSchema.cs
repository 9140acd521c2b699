using System.Globalization;
using Apdb.Schema;
using Npgsql;

namespace Apdb.Sharded;

/// <summary>
/// The coordinator: one <c>postgres_fdw</c> server per shard (asynchronous scans, so an Append over shards runs them
/// at once), each shard's tables imported as foreign tables into schema <c>apdb_shard_{i}</c> and attached as the
/// partitions of local partitioned tables of the same names (by <c>pixelId</c> range, or by list on the shard of an
/// interleaved layout), the registry as a view over every
/// shard's, the APDB's SQL functions, and the reader and writer roles mapped to the shards' (<see cref="CoordinatorRoles"/>).
/// Built in one transaction; rebuilt from scratch each time (it holds no rows).
/// </summary>
internal static class CoordinatorSchema
{
    private static readonly string[] Imported = [.. ShardedSchema.PartitionedTables, "apdb_visit_detector", "metadata"];

    public static async Task BuildAsync(NpgsqlDataSource coordinator, IReadOnlyList<string> shards, ShardLayout layout, CancellationToken cancellationToken)
    {
        var name = $"the coordinator ({ApdbConnector.Describe(coordinator.ConnectionString)})";
        try
        {
            var logins = await CoordinatorRoles.PrepareShardsAsync(shards, cancellationToken);
            await using var connection = await coordinator.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(4242000)", cancellationToken);
            await ExecuteAsync(connection, "CREATE EXTENSION IF NOT EXISTS postgres_fdw", cancellationToken);
            await DropAsync(connection, cancellationToken);
            for (var i = 0; i < shards.Count; i++)
            {
                await ImportShardAsync(connection, i, shards[i], cancellationToken);
            }

            foreach (var table in ShardedSchema.PartitionedTables)
            {
                await ExecuteAsync(connection, $"CREATE TABLE {Quote(table)} (LIKE apdb_shard_0.{Quote(table)}) PARTITION BY {PartitionKey(layout)}", cancellationToken);
                for (var i = 0; i < shards.Count; i++)
                {
                    await ExecuteAsync(connection, $"ALTER TABLE {Quote(table)} ATTACH PARTITION apdb_shard_{i}.{Quote(table)} FOR VALUES {PartitionBound(layout, i)}", cancellationToken);
                }
            }

            await ExecuteAsync(connection, "CREATE VIEW apdb_visit_detector AS " +
                string.Join(" UNION ALL ", Enumerable.Range(0, shards.Count).Select(i => $"SELECT * FROM apdb_shard_{i}.apdb_visit_detector")), cancellationToken);
            // A view, not a copy: what a later load-history or maintain records on the shards shows here at once.
            await ExecuteAsync(connection, "CREATE VIEW metadata AS SELECT name, value FROM apdb_shard_0.metadata " +
                $"WHERE name <> '{ShardedSchema.IndexKey}' UNION ALL SELECT 'shard:role'::text, 'coordinator'::text", cancellationToken);
            foreach (var function in SqlScripts.Functions.Where(f => !f.Name.EndsWith("apdb_ensure_partitions.sql", StringComparison.Ordinal)))
            {
                await ExecuteAsync(connection, function.Text, cancellationToken);
            }

            if (logins is not null && await MayCreateRolesAsync(connection, cancellationToken))
            {
                await CoordinatorRoles.MapAsync(connection, logins, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (ShardFailure.IsUnavailable(ex))
        {
            throw ShardFailure.Unavailable(name, ex);
        }
        catch (PostgresException ex)
        {
            throw new ApdbUserException($"{name}: {ex.MessageText}", ex);
        }
    }

    /// <summary>
    /// A contiguous layout partitions by <c>pixelId</c> range (a query's pixel ranges prune to the shards they touch); an
    /// interleaved one by list on the shard expression, which a <c>pixelId</c> condition cannot prune: every shard is
    /// asked, at once (asynchronous foreign scans), each answering from its own index.
    /// </summary>
    private static string PartitionKey(ShardLayout layout) =>
        layout.IsInterleaved ? $"LIST ({layout.ShardExpression})" : "RANGE (\"pixelId\")";

    private static string PartitionBound(ShardLayout layout, int shard) => layout.IsInterleaved
        ? string.Create(CultureInfo.InvariantCulture, $"IN ({shard})")
        : string.Create(CultureInfo.InvariantCulture, $"FROM ({layout.Start(shard)}) TO ({layout.End(shard)})");

    private static async Task<bool> MayCreateRolesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user", connection);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private static async Task DropAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, "DROP VIEW IF EXISTS apdb_visit_detector", cancellationToken);
        // metadata is a view since the coordinator stopped copying it; a coordinator built before holds a table.
        await ExecuteAsync(connection, "DO $$ BEGIN " +
            "IF (SELECT relkind FROM pg_class WHERE oid = to_regclass('metadata')) = 'v' THEN DROP VIEW metadata; " +
            "ELSIF to_regclass('metadata') IS NOT NULL THEN DROP TABLE metadata CASCADE; END IF; END $$", cancellationToken);
        await ExecuteAsync(connection, "DROP TABLE IF EXISTS " + string.Join(", ", ShardedSchema.PartitionedTables.Select(Quote)) + " CASCADE", cancellationToken);
        var servers = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT srvname FROM pg_foreign_server WHERE srvname LIKE 'apdb\\_shard\\_%'", connection))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                servers.Add(reader.GetString(0));
            }
        }

        foreach (var server in servers)
        {
            await ExecuteAsync(connection, $"DROP SCHEMA IF EXISTS {Quote(server)} CASCADE", cancellationToken);
            await ExecuteAsync(connection, $"DROP SERVER {Quote(server)} CASCADE", cancellationToken);
        }
    }

    private static async Task ImportShardAsync(NpgsqlConnection connection, int index, string shard, CancellationToken cancellationToken)
    {
        var b = new NpgsqlConnectionStringBuilder(shard);
        var server = string.Create(CultureInfo.InvariantCulture, $"apdb_shard_{index}");
        var options = new List<string>
        {
            $"host {Literal(b.Host ?? "localhost")}",
            $"port {Literal(b.Port.ToString(CultureInfo.InvariantCulture))}",
            $"dbname {Literal(b.Database ?? b.Username ?? "postgres")}",
            "async_capable 'true'",
            "fetch_size '10000'",
        };
        if (b.SslMode is not SslMode.Prefer and not SslMode.Disable)
        {
            options.Add($"sslmode {Literal(b.SslMode switch { SslMode.VerifyCA => "verify-ca", SslMode.VerifyFull => "verify-full", var m => m.ToString().ToLowerInvariant() })}");
            if (!string.IsNullOrEmpty(b.RootCertificate))
            {
                options.Add($"sslrootcert {Literal(b.RootCertificate)}");
            }
        }

        await ExecuteAsync(connection, $"CREATE SERVER {server} FOREIGN DATA WRAPPER postgres_fdw OPTIONS ({string.Join(", ", options)})", cancellationToken);
        await ExecuteAsync(connection,
            $"CREATE USER MAPPING FOR CURRENT_USER SERVER {server} OPTIONS (user {Literal(b.Username ?? string.Empty)}, password {Literal(b.Password ?? string.Empty)})",
            cancellationToken);
        await ExecuteAsync(connection, $"CREATE SCHEMA {server}", cancellationToken);
        var remoteSchema = string.IsNullOrEmpty(b.SearchPath) ? "public" : b.SearchPath.Split(',')[0].Trim();
        await ExecuteAsync(connection,
            $"IMPORT FOREIGN SCHEMA {Quote(remoteSchema)} LIMIT TO ({string.Join(", ", Imported.Select(Quote))}) FROM SERVER {server} INTO {server}", cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
