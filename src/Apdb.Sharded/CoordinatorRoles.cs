using System.Security.Cryptography;
using Apdb.Schema;
using Npgsql;

namespace Apdb.Sharded;

/// <summary>
/// The APDB's reader and writer roles carried across the coordinator: each shard's <c>{db}_reader</c> and
/// <c>{db}_writer</c> roles (made by the shard's migration, read-only and read-write there) get a login with a
/// generated password, kept only in the coordinator's user mappings; the coordinator's own <c>{db}_reader</c> and
/// <c>{db}_writer</c> are mapped to them on every shard and granted the matching rights on the coordinator's tables.
/// So a session on the coordinator as its reader reads every shard as the shards' reader, and a write is refused by
/// the coordinator and, were it let through, by each shard. postgres_fdw picks a mapping by the session's current role
/// (not by role membership): a login that is the reader role, or a role set to it, uses it.
/// </summary>
internal static class CoordinatorRoles
{
    /// <summary>
    /// Gives each shard's reader and writer a login with a fresh password, outside any coordinator transaction (a
    /// rerun makes new ones). Null when a shard lacks the roles or the connected user may not alter them: the
    /// coordinator is then built without role mappings, its admin user only.
    /// </summary>
    public static async Task<ShardLogins[]?> PrepareShardsAsync(IReadOnlyList<string> shards, CancellationToken cancellationToken)
    {
        var logins = new ShardLogins[shards.Count];
        for (var i = 0; i < shards.Count; i++)
        {
            await using var connection = new NpgsqlConnection(shards[i]);
            await connection.OpenAsync(cancellationToken);
            var reader = ApdbRoles.NameFor(connection.Database, ApdbRole.Reader);
            var writer = ApdbRoles.NameFor(connection.Database, ApdbRole.Writer);
            var passwords = new[] { Password(), Password() };
            try
            {
                foreach (var (role, password) in new[] { (reader, passwords[0]), (writer, passwords[1]) })
                {
                    // The password is hex made here, so the literal needs no escaping.
                    await using var alter = new NpgsqlCommand($"ALTER ROLE {ApdbRoles.Quote(role)} WITH LOGIN PASSWORD '{password}'", connection);
                    await alter.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.UndefinedObject or PostgresErrorCodes.InsufficientPrivilege)
            {
                return null;
            }

            logins[i] = new ShardLogins(reader, passwords[0], writer, passwords[1]);
        }

        return logins;
    }

    /// <summary>
    /// In the coordinator's build transaction: its reader and writer roles (created when missing), their user mappings
    /// to every shard's, and their rights on the coordinator's objects.
    /// </summary>
    public static async Task MapAsync(NpgsqlConnection coordinator, ShardLogins[] shards, CancellationToken cancellationToken)
    {
        var reader = ApdbRoles.NameFor(coordinator.Database, ApdbRole.Reader);
        var writer = ApdbRoles.NameFor(coordinator.Database, ApdbRole.Writer);
        foreach (var role in new[] { reader, writer })
        {
            await ExecuteAsync(coordinator,
                $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {Literal(role)}) THEN CREATE ROLE {ApdbRoles.Quote(role)} NOLOGIN; END IF; END $$",
                cancellationToken);
        }

        var (r, w) = (ApdbRoles.Quote(reader), ApdbRoles.Quote(writer));
        await ExecuteAsync(coordinator, $"GRANT CONNECT ON DATABASE {ApdbRoles.Quote(coordinator.Database)} TO {r}, {w}", cancellationToken);
        await ExecuteAsync(coordinator, $"GRANT USAGE ON SCHEMA {ApdbRoles.Quote(await CurrentSchemaAsync(coordinator, cancellationToken))} TO {r}, {w}", cancellationToken);
        foreach (var table in ShardedSchema.PartitionedTables)
        {
            await ExecuteAsync(coordinator, $"GRANT SELECT ON {ApdbRoles.Quote(table)} TO {r}, {w}", cancellationToken);
            await ExecuteAsync(coordinator, $"GRANT INSERT, UPDATE, DELETE ON {ApdbRoles.Quote(table)} TO {w}", cancellationToken);
        }

        await ExecuteAsync(coordinator, $"GRANT SELECT ON metadata, apdb_visit_detector TO {r}, {w}", cancellationToken);
        for (var i = 0; i < shards.Length; i++)
        {
            var server = $"apdb_shard_{i}";
            await ExecuteAsync(coordinator, $"GRANT USAGE ON SCHEMA {server} TO {r}, {w}", cancellationToken);
            await ExecuteAsync(coordinator, $"GRANT SELECT ON ALL TABLES IN SCHEMA {server} TO {r}, {w}", cancellationToken);
            await ExecuteAsync(coordinator, $"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {server} TO {w}", cancellationToken);
            await ExecuteAsync(coordinator,
                $"CREATE USER MAPPING FOR {r} SERVER {server} OPTIONS (user {Literal(shards[i].Reader)}, password {Literal(shards[i].ReaderPassword)})", cancellationToken);
            await ExecuteAsync(coordinator,
                $"CREATE USER MAPPING FOR {w} SERVER {server} OPTIONS (user {Literal(shards[i].Writer)}, password {Literal(shards[i].WriterPassword)})", cancellationToken);
        }
    }

    private static string Password() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private static async Task<string> CurrentSchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT current_schema()", connection);
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
