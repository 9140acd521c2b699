using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Apdb.Schema;

/// <summary>
/// The owner, writer and reader roles of one APDB database. Roles are cluster-wide in PostgreSQL, so their names
/// carry the database's name (<c>apdb_owner</c>, <c>apdb_writer</c>, <c>apdb_reader</c> for the database <c>apdb</c>):
/// two APDB databases on one server each get their own three roles and their rights never mix. The roles are created
/// <c>NOLOGIN</c>; a login gets their rights by membership (<c>GRANT apdb_reader TO alice</c>) or by being given a
/// password (the embedded cluster does this for the writer and the reader).
/// </summary>
public static partial class ApdbRoles
{
    private const int MaxIdentifierBytes = 63;

    /// <summary>The role's name for <paramref name="database"/>: <c>{database}_owner</c>, <c>_writer</c> or <c>_reader</c>.</summary>
    public static string NameFor(string database, ApdbRole role)
    {
        ArgumentException.ThrowIfNullOrEmpty(database);
        var suffix = role switch
        {
            ApdbRole.Owner => "_owner",
            ApdbRole.Writer => "_writer",
            ApdbRole.Reader => "_reader",
            _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not an APDB role"),
        };

        var name = database + suffix;
        if (Encoding.UTF8.GetByteCount(name) <= MaxIdentifierBytes)
        {
            return name;
        }

        // PostgreSQL would cut a longer name silently, and two long database names could then share roles: keep a
        // prefix and add a hash of the whole database name.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(database)))[..8];
        var keep = database;
        while (Encoding.UTF8.GetByteCount(keep) + 1 + hash.Length + suffix.Length > MaxIdentifierBytes)
        {
            keep = keep[..^1];
        }

        return $"{keep}_{hash}{suffix}";
    }

    /// <summary>
    /// Creates the missing roles when the connected user may (superuser or CREATEROLE) and makes sure the user can act
    /// as the owner. Returns the owner's name when the roles are usable, else null and why not.
    /// </summary>
    internal static async Task<(string? Owner, List<string> Created, string? Skipped)> PrepareAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var database = connection.Database;
        var names = Enum.GetValues<ApdbRole>().Select(r => NameFor(database, r)).ToArray();
        var created = new List<string>();
        string user;
        bool superuser, mayCreate;
        await using (var who = new NpgsqlCommand("SELECT current_user, rolsuper, rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user", connection, transaction))
        await using (var reader = await who.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (user, superuser, mayCreate) = (reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2));
        }

        var existing = new HashSet<string>(StringComparer.Ordinal);
        await using (var find = new NpgsqlCommand("SELECT rolname FROM pg_roles WHERE rolname = ANY (@names)", connection, transaction))
        {
            find.Parameters.AddWithValue("names", names);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                existing.Add(reader.GetString(0));
            }
        }

        var missing = names.Where(n => !existing.Contains(n)).ToList();
        if (missing.Count > 0 && !mayCreate)
        {
            return (null, created, $"user '{user}' may not create roles, so {string.Join(", ", missing)} were not created and the tables stay owned by '{user}' " +
                                   "(run 'apdb init' once as a superuser or a CREATEROLE user to add them)");
        }

        var owner = names[(int)ApdbRole.Owner];
        var failure = await TryAsync(connection, transaction, "apdb_roles", async () =>
        {
            foreach (var name in missing)
            {
                await ExecuteAsync(connection, transaction, $"CREATE ROLE {Quote(name)} NOLOGIN", cancellationToken);
                await ExecuteAsync(connection, transaction, $"COMMENT ON ROLE {Quote(name)} IS {Literal($"APDB {name[(name.LastIndexOf('_') + 1)..]} of database {database}")}", cancellationToken);
                created.Add(name);
            }

            if (!superuser && !await IsMemberAsync(connection, transaction, owner, cancellationToken))
            {
                await ExecuteAsync(connection, transaction, $"GRANT {Quote(owner)} TO CURRENT_USER", cancellationToken);
            }
        }, cancellationToken);
        if (failure is not null)
        {
            created.Clear();
            return (null, created, $"user '{user}' cannot create or act as {owner} ({failure}); roles and rights were left as they were");
        }

        return (owner, created, null);
    }

    /// <summary>
    /// Runs <c>sql/privileges.sql</c>: the owner owns every APDB object, the writer and reader get their rights.
    /// Returns null on success, else why it was skipped (the transaction stays usable).
    /// </summary>
    internal static async Task<string?> GrantAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var database = connection.Database;
        return await TryAsync(connection, transaction, "apdb_privileges", async () =>
        {
            await using (var settings = new NpgsqlCommand(
                "SELECT set_config('apdb.owner_role', @owner, true), set_config('apdb.writer_role', @writer, true), set_config('apdb.reader_role', @reader, true), " +
                "set_config('apdb.tables', @tables, true), set_config('apdb.functions', @functions, true)", connection, transaction))
            {
                settings.Parameters.AddWithValue("owner", NameFor(database, ApdbRole.Owner));
                settings.Parameters.AddWithValue("writer", NameFor(database, ApdbRole.Writer));
                settings.Parameters.AddWithValue("reader", NameFor(database, ApdbRole.Reader));
                settings.Parameters.AddWithValue("tables", string.Join(',', TableNames()));
                settings.Parameters.AddWithValue("functions", string.Join(',', FunctionNames()));
                await settings.ExecuteNonQueryAsync(cancellationToken);
            }

            await ExecuteAsync(connection, transaction, SqlScripts.Get("sql/privileges.sql").Text, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>The tables the migrations create, and the migration ledger.</summary>
    internal static IEnumerable<string> TableNames() =>
        SqlScripts.Migrations.SelectMany(m => CreateTable().Matches(m.Text).Select(x => x.Groups[1].Value)).Append("apdb_migrations").Distinct(StringComparer.Ordinal);

    /// <summary>The functions the function scripts create.</summary>
    internal static IEnumerable<string> FunctionNames() =>
        SqlScripts.Functions.SelectMany(f => CreateFunction().Matches(f.Text).Select(x => x.Groups[1].Value)).Distinct(StringComparer.Ordinal);

    private static async Task<bool> IsMemberAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string role, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_has_role(current_user, @role, 'MEMBER')", connection, transaction);
        command.Parameters.AddWithValue("role", role);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Runs <paramref name="body"/> in a savepoint; a refusal for lack of rights rolls it back and is returned as text.</summary>
    private static async Task<string?> TryAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string savepoint, Func<Task> body, CancellationToken cancellationToken)
    {
        await transaction.SaveAsync(savepoint, cancellationToken);
        try
        {
            await body();
            await transaction.ReleaseAsync(savepoint, cancellationToken);
            return null;
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.InvalidGrantOperation)
        {
            await transaction.RollbackAsync(savepoint, cancellationToken);
            return ex.MessageText;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    [GeneratedRegex("""CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?"?(\w+)"?""", RegexOptions.IgnoreCase)]
    private static partial Regex CreateTable();

    [GeneratedRegex("""CREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+"?(\w+)"?""", RegexOptions.IgnoreCase)]
    private static partial Regex CreateFunction();
}
