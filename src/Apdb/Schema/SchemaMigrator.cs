using Npgsql;

namespace Apdb.Schema;

/// <summary>
/// Creates or upgrades the APDB schema in the connection's current schema: numbered migrations, each applied once
/// and recorded with its checksum in <c>apdb_migrations</c>, then the functions, then the owner, writer and reader
/// roles and their rights (<see cref="ApdbRoles"/>; skipped, and said so, when the connected user may not create
/// roles). Idempotent; concurrent callers serialise on an advisory lock; everything happens in one transaction, so a
/// failure leaves the database as it was.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>The Rubin APDB schema version this build writes.</summary>
    public const string RubinSchemaVersion = "10.0.0";

    private const long AdvisoryLockKey = 4242000;

    /// <summary>Applies what is missing. With <paramref name="drop"/>, first removes every APDB object (data included).</summary>
    public static async Task<MigrationReport> MigrateAsync(NpgsqlDataSource dataSource, bool drop = false, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", cancellationToken);

        // The owner runs the migrations, so what they create is the owner's; objects from before the roles existed
        // are handed over first, or the owner could not alter them.
        var (owner, createdRoles, skipped) = await ApdbRoles.PrepareAsync(connection, transaction, cancellationToken);
        if (owner is not null && (skipped = await ApdbRoles.GrantAsync(connection, transaction, cancellationToken)) is not null)
        {
            owner = null;
        }

        if (owner is not null)
        {
            await ExecuteAsync(connection, transaction, $"SET LOCAL ROLE {ApdbRoles.Quote(owner)}", cancellationToken);
        }

        if (drop)
        {
            await ExecuteAsync(connection, transaction, SqlScripts.Get("sql/drop.sql").Text, cancellationToken);
        }

        var hasLedger = await ScalarAsync<bool>(connection, transaction, "SELECT to_regclass('apdb_migrations') IS NOT NULL", cancellationToken);
        if (!hasLedger)
        {
            if (await ScalarAsync<bool>(connection, transaction, "SELECT to_regclass('\"DiaObject\"') IS NOT NULL", cancellationToken))
            {
                throw new ApdbUserException(
                    $"database {connection.Database} has a DiaObject table that this tool did not create (no apdb_migrations table): " +
                    "use another database, or 'apdb init --drop' to replace it");
            }

            await ExecuteAsync(connection, transaction,
                "CREATE TABLE apdb_migrations (id integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
                cancellationToken);
        }

        var applied = new Dictionary<int, (string Name, string Checksum)>();
        await using (var read = new NpgsqlCommand("SELECT id, name, checksum FROM apdb_migrations ORDER BY id", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
            }
        }

        var known = SqlScripts.Migrations;
        if (applied.Count > 0 && applied.Keys.Max() > SqlScripts.LatestMigration)
        {
            throw new ApdbUserException(
                $"database {connection.Database} has APDB schema migration {applied.Keys.Max()}, newer than this tool's {SqlScripts.LatestMigration}: upgrade the tool");
        }

        var done = new List<string>();
        foreach (var migration in known)
        {
            if (applied.TryGetValue(migration.Number, out var previous))
            {
                if (previous.Checksum != migration.Checksum)
                {
                    throw new ApdbUserException(
                        $"database {connection.Database}: migration {migration.Number:D4} ({previous.Name}) was applied with different SQL than this tool's {migration.Name}; " +
                        "the schema is of an unknown version");
                }

                continue;
            }

            await ExecuteAsync(connection, transaction, migration.Text, cancellationToken);
            await using var record = new NpgsqlCommand("INSERT INTO apdb_migrations (id, name, checksum) VALUES (@id, @name, @checksum)", connection, transaction);
            record.Parameters.AddWithValue("id", migration.Number);
            record.Parameters.AddWithValue("name", Path.GetFileName(migration.Name));
            record.Parameters.AddWithValue("checksum", migration.Checksum);
            await record.ExecuteNonQueryAsync(cancellationToken);
            done.Add(Path.GetFileName(migration.Name));
        }

        var version = await ScalarAsync<string?>(connection, transaction, "SELECT value FROM metadata WHERE name = 'version:schema'", cancellationToken);
        if (version != RubinSchemaVersion)
        {
            throw new ApdbUserException($"database {connection.Database} records APDB schema version '{version}' in metadata; this tool writes {RubinSchemaVersion}");
        }

        foreach (var function in SqlScripts.Functions)
        {
            await ExecuteAsync(connection, transaction, function.Text, cancellationToken);
        }

        if (owner is not null)
        {
            await ExecuteAsync(connection, transaction, "RESET ROLE", cancellationToken);
            skipped = await ApdbRoles.GrantAsync(connection, transaction, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new MigrationReport(done, SqlScripts.LatestMigration, drop, new RoleReport(createdRoles, owner is not null && skipped is null, skipped));
    }

    /// <summary>The schema's migration number, or null when the database has no APDB schema.</summary>
    public static async Task<int?> GetVersionAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await ScalarAsync<bool>(connection, null, "SELECT to_regclass('apdb_migrations') IS NOT NULL", cancellationToken))
        {
            return null;
        }

        return await ScalarAsync<int?>(connection, null, "SELECT max(id) FROM apdb_migrations", cancellationToken);
    }

    /// <summary>Throws a clear error unless the database holds the schema this build writes.</summary>
    public static async Task EnsureCurrentAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        var version = await GetVersionAsync(dataSource, cancellationToken);
        if (version is null)
        {
            throw new ApdbUserException("the database has no APDB schema: run 'apdb init' first");
        }

        if (version != SqlScripts.LatestMigration)
        {
            throw new ApdbUserException(
                $"the database's APDB schema is at migration {version}, this tool's at {SqlScripts.LatestMigration}: run 'apdb init' to " +
                (version < SqlScripts.LatestMigration ? "upgrade it" : "check it (the database is newer than the tool)"));
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        // No timeout: a migration that rewrites data (0016 packs every DiaSource of an existing APDB) runs as long as
        // the data takes; the caller's token still cancels it.
        await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default! : (T)value;
    }
}
