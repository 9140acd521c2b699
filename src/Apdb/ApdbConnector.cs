using System.Data.Common;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Npgsql;

namespace Apdb;

/// <summary>
/// Opens an APDB data source from a connection string or a libpq URI and turns connection failures (unreachable
/// server, wrong credentials, missing database) into one-line user errors that name the server.
/// </summary>
public static partial class ApdbConnector
{
    /// <summary>
    /// Accepts <c>Host=...;Username=...</c> or a libpq URI <c>postgresql://user:secret@host:port/db?sslmode=verify-full&amp;...</c>
    /// (every URI parameter Npgsql has an equivalent for is carried through, any other is refused); returns an Npgsql
    /// connection string. Errors name what was wrong and never contain the password.
    /// </summary>
    public static string Normalize(string connection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        if (LibpqUri.IsUri(connection))
        {
            return LibpqUri.Parse(connection).ConnectionString;
        }

        try
        {
            return new NpgsqlConnectionStringBuilder(connection).ConnectionString;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            throw new ApdbUserException($"--db / APDB_DB is not a valid connection string: {Scrub(ex.Message, connection)}", ex);
        }
    }

    /// <summary>
    /// <paramref name="message"/> with every password that <paramref name="connection"/> holds (a <c>Password=</c>
    /// key, a URI's user information or <c>password=</c> parameter, in plain or percent-encoded form) replaced by <c>***</c>.
    /// </summary>
    public static string Scrub(string message, string connection)
    {
        foreach (var secret in Secrets(connection))
        {
            if (secret.Length > 0)
            {
                message = message.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return message;
    }

    private static IEnumerable<string> Secrets(string connection)
    {
        foreach (Match m in PasswordPattern().Matches(connection))
        {
            var value = m.Groups["value"].Value.Trim().Trim('\'', '"');
            yield return value;
            yield return SafeUnescape(value);
        }
    }

    private static string SafeUnescape(string text)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            return text;
        }
    }

    // A Key=Value password, a URI's "user:password@", or a URI "password=" parameter.
    [GeneratedRegex(@"(?i)(?:password\s*=\s*(?<value>'[^']*'|""[^""]*""|[^;&]*))|(?:^postgres(?:ql)?://[^:@/]*:(?<value>[^@/]*)@)")]
    private static partial Regex PasswordPattern();

    /// <summary>
    /// A libpq URI for <paramref name="connectionString"/> without the password, keeping the TLS settings
    /// (<c>sslmode</c>, <c>sslrootcert</c>, <c>sslcert</c>, <c>sslkey</c>) so that psql connects the same way.
    /// </summary>
    public static string ToPasswordlessUri(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var query = new List<string>();
        if (b.SslMode != SslMode.Prefer)
        {
            query.Add("sslmode=" + b.SslMode switch
            {
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                var mode => mode.ToString().ToLowerInvariant(),
            });
        }

        foreach (var (name, value) in new[] { ("sslrootcert", b.RootCertificate), ("sslcert", b.SslCertificate), ("sslkey", b.SslKey) })
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        var host = b.Host is { } h && h.Contains(':', StringComparison.Ordinal) && !h.Contains(',', StringComparison.Ordinal) && !h.StartsWith('[') ? $"[{h}]" : b.Host;
        return $"postgresql://{Uri.EscapeDataString(b.Username ?? string.Empty)}@{host}:{b.Port}/{Uri.EscapeDataString(b.Database ?? string.Empty)}" +
               (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty);
    }

    /// <summary><c>host:port/database</c> for messages (never the password).</summary>
    public static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{b.Host}:{b.Port}/{b.Database ?? b.Username}";
    }

    /// <summary>Builds a data source and opens one connection to prove it works.</summary>
    public static async Task<NpgsqlDataSource> ConnectAsync(string connection, CancellationToken cancellationToken = default)
    {
        var connectionString = WithReadBuffer(Normalize(connection));
        var dataSource = CreateDataSource(connectionString);
        try
        {
            await using var probe = await dataSource.OpenConnectionAsync(cancellationToken);
            return dataSource;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            await dataSource.DisposeAsync();
            throw Explain(connectionString, ex);
        }
    }

    /// <summary>
    /// A data source for <paramref name="connectionString"/>, reading through <see cref="WithReadBuffer"/>'s buffer: every
    /// data source of the tool (single APDB, shards, coordinator, <c>apdb serve</c>) is built here.
    /// </summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString) =>
        new NpgsqlDataSourceBuilder(WithReadBuffer(connectionString)).Build();

    /// <summary>The read buffer a connection gets unless its connection string sets one (Npgsql's default is 8 KiB).</summary>
    public const int DefaultReadBufferSize = 64 * 1024;

    /// <summary>
    /// <paramref name="connectionString"/> with <c>Read Buffer Size</c> at <see cref="DefaultReadBufferSize"/> when it
    /// does not set one. A preload streams megabytes of packed rows a detector; a larger buffer takes them from the
    /// socket in fewer reads, each of which may wait for the server.
    /// </summary>
    public static string WithReadBuffer(string connectionString)
    {
        // Npgsql's builder answers ContainsKey for every keyword it knows, set or not; the plain builder holds only
        // the keys the string names (Normalize's output spells them canonically).
        var named = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (named.ContainsKey("Read Buffer Size") || named.ContainsKey("ReadBufferSize"))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { ReadBufferSize = DefaultReadBufferSize }.ConnectionString;
    }

    /// <summary>A one-line user error for a failed connection.</summary>
    public static ApdbUserException Explain(string connectionString, Exception ex)
    {
        var where = Describe(connectionString);
        var user = new NpgsqlConnectionStringBuilder(connectionString).Username;
        return ex switch
        {
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
                new ApdbUserException($"PostgreSQL at {where} refused the credentials of user '{user}': check the user and password in --db / APDB_DB", ex),
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } pg =>
                new ApdbUserException($"PostgreSQL at {where}: {pg.MessageText}", ex),
            PostgresException pg => new ApdbUserException($"PostgreSQL at {where}: {pg.MessageText}", ex),
            NpgsqlException { InnerException: SocketException socket } =>
                new ApdbUserException($"cannot reach PostgreSQL at {where}: {socket.Message}", ex),
            NpgsqlException { InnerException: System.Security.Authentication.AuthenticationException tls } =>
                new ApdbUserException($"PostgreSQL at {where}: TLS handshake failed (sslmode={new NpgsqlConnectionStringBuilder(connectionString).SslMode}): {tls.Message}", ex),
            // Npgsql reports a command that outlived its CommandTimeout as a read from the stream that timed out.
            NpgsqlException { InnerException: TimeoutException } when ex.Message.Contains("reading from stream", StringComparison.OrdinalIgnoreCase) =>
                new ApdbUserException($"PostgreSQL at {where} did not answer a query within its command timeout", ex),
            NpgsqlException { InnerException: TimeoutException } or TimeoutException =>
                new ApdbUserException($"cannot reach PostgreSQL at {where}: the connection timed out", ex),
            _ => new ApdbUserException($"cannot connect to PostgreSQL at {where}: {Scrub(ex.Message, connectionString)}", ex),
        };
    }
}
