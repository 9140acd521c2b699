using System.Globalization;
using System.Text;
using Npgsql;

namespace Apdb;

/// <summary>
/// Turns a libpq connection URI (<c>postgresql://[user[:password]@][host][:port][,...][/dbname][?param=value&amp;...]</c>)
/// into an Npgsql connection string. Every URI parameter that has an Npgsql equivalent is carried through; any other
/// is refused by name, so a setting such as <c>sslmode=verify-full</c> is never silently lost. Error messages name the
/// part that was wrong and never contain the password.
/// </summary>
internal static class LibpqUri
{
    private const string Source = "--db / APDB_DB";

    /// <summary>libpq parameters with no Npgsql equivalent: refused with a reason rather than as unknown.</summary>
    private static readonly Dictionary<string, string> Unsupported = new(StringComparer.Ordinal)
    {
        ["hostaddr"] = "give the address as host instead",
        ["service"] = "Npgsql does not read pg_service.conf",
        ["sslcrl"] = "Npgsql checks revocation through the system (Check Certificate Revocation) instead",
        ["sslcrldir"] = "Npgsql checks revocation through the system (Check Certificate Revocation) instead",
        ["sslcompression"] = "TLS compression is not supported",
        ["sslsni"] = "Npgsql always sends SNI",
        ["ssl_min_protocol_version"] = "Npgsql uses the operating system's TLS protocol settings",
        ["ssl_max_protocol_version"] = "Npgsql uses the operating system's TLS protocol settings",
        ["requirepeer"] = "Npgsql cannot check the peer of a Unix socket",
        ["keepalives_count"] = "Npgsql has no setting for it",
        ["tcp_user_timeout"] = "Npgsql has no setting for it",
        ["replication"] = "the APDB does not use replication connections",
        ["gsslib"] = "Npgsql chooses the GSS library itself",
        ["gssdelegation"] = "Npgsql has no setting for it",
        ["sslcertmode"] = "Npgsql has no setting for it",
    };

    /// <summary>Whether <paramref name="connection"/> is a URI rather than a <c>Key=Value;</c> connection string.</summary>
    public static bool IsUri(string connection) =>
        connection.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || connection.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses the URI; throws <see cref="ApdbUserException"/> naming the offending part.</summary>
    public static NpgsqlConnectionStringBuilder Parse(string uri)
    {
        var rest = uri[(uri.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var query = string.Empty;
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        var builder = new NpgsqlConnectionStringBuilder();

        // As libpq does: user information ends at the first '@' that comes before any '/'.
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        if (at >= 0 && (slash < 0 || at < slash))
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Decode(colon < 0 ? userInfo : userInfo[..colon], "the user name");
            if (colon >= 0)
            {
                builder.Password = Decode(userInfo[(colon + 1)..], "the password");
            }

            slash = rest.IndexOf('/', StringComparison.Ordinal);
        }

        var hostSpec = slash < 0 ? rest : rest[..slash];
        if (slash >= 0 && rest[(slash + 1)..] is { Length: > 0 } database)
        {
            builder.Database = Decode(database, "the database name");
        }

        ApplyHosts(builder, hostSpec);
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new ApdbUserException(eq == 0
                    ? $"{Source}: a URI parameter has no name (expected name=value)"
                    : $"{Source}: URI parameter '{Printable(Truncate(pair))}' has no value (expected name=value)");
            }

            var name = Decode(pair[..eq], "a parameter name");
            Apply(builder, name, Decode(pair[(eq + 1)..], $"the value of '{Printable(name)}'"));
            given.Add(name);
        }

        if (builder.RootCertificate == "system")
        {
            // libpq's "trust the operating system's roots": Npgsql does that when no root certificate is named. As in
            // libpq, it implies verify-full and refuses a weaker mode.
            builder.RootCertificate = null;
            if (!given.Contains("sslmode"))
            {
                builder.SslMode = SslMode.VerifyFull;
            }
            else if (builder.SslMode != SslMode.VerifyFull)
            {
                throw new ApdbUserException($"{Source}: sslrootcert=system needs sslmode=verify-full (a weaker mode would not check the server's name)");
            }
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            builder.Host = "localhost";
        }

        return builder;
    }

    private static void ApplyHosts(NpgsqlConnectionStringBuilder builder, string hostSpec)
    {
        if (hostSpec.Length == 0)
        {
            return;
        }

        var hosts = new List<string>();
        int? singlePort = null;
        var parts = hostSpec.Split(',');
        foreach (var part in parts)
        {
            string host;
            string? port = null;
            if (part.StartsWith('['))
            {
                var close = part.IndexOf(']', StringComparison.Ordinal);
                if (close < 0)
                {
                    throw new ApdbUserException($"{Source}: host '{Printable(part)}' opens an IPv6 address with '[' but does not close it");
                }

                host = part[1..close];
                if (close + 1 < part.Length)
                {
                    port = part[(close + 1)..].StartsWith(':') ? part[(close + 2)..] : throw new ApdbUserException($"{Source}: unexpected text after ']' in host '{Printable(part)}'");
                }
            }
            else
            {
                var colon = part.LastIndexOf(':');
                host = colon < 0 ? part : part[..colon];
                port = colon < 0 ? null : part[(colon + 1)..];
            }

            host = Decode(host, "a host name");
            var portNumber = port is { Length: > 0 } ? ParsePort(port) : (int?)null;
            singlePort = portNumber;
            hosts.Add(parts.Length == 1 || portNumber is null ? Bracket(host) : $"{Bracket(host)}:{portNumber}");
        }

        builder.Host = string.Join(',', hosts);
        if (parts.Length == 1 && singlePort is { } p)
        {
            builder.Port = p;
        }
    }

    private static string Bracket(string host) => host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('/') ? $"[{host}]" : host;

    private static int ParsePort(string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ApdbUserException($"{Source}: port '{Printable(Truncate(text))}' is not a number between 1 and 65535");
        }

        return port;
    }

    /// <summary>One URI query parameter onto its Npgsql equivalent.</summary>
    private static void Apply(NpgsqlConnectionStringBuilder builder, string name, string value)
    {
        if (!Setters.TryGetValue(name, out var set))
        {
            throw Unsupported.TryGetValue(name, out var why)
                ? new ApdbUserException($"{Source}: URI parameter '{name}' is not supported: {why}")
                : new ApdbUserException($"{Source}: unknown URI parameter '{Printable(Truncate(name))}' (see the libpq connection parameters; Npgsql-only settings need a Key=Value connection string)");
        }

        try
        {
            set(builder, value);
        }
        catch (ArgumentException)
        {
            // Npgsql's own range checks (e.g. a timeout over its maximum); its message may quote the value.
            throw new ApdbUserException($"{Source}: URI parameter '{name}' has a value Npgsql does not accept");
        }
    }

    /// <summary>
    /// The libpq parameters this URI reader supports, each with how it sets the Npgsql builder: where and as whom to
    /// connect; TLS, GSS, channel binding, the accepted authentication methods and Kerberos; which server of a list to
    /// use and TCP keepalives.
    /// </summary>
    private static readonly Dictionary<string, Action<NpgsqlConnectionStringBuilder, string>> Setters = new(StringComparer.Ordinal)
    {
        ["host"] = (b, v) => b.Host = v,
        ["port"] = (b, v) => b.Port = ParsePort(v),
        ["dbname"] = (b, v) => b.Database = v,
        ["user"] = (b, v) => b.Username = v,
        ["password"] = (b, v) => b.Password = v,
        ["passfile"] = (b, v) => b.Passfile = v,
        ["connect_timeout"] = (b, v) => b.Timeout = Integer("connect_timeout", v),
        ["application_name"] = (b, v) => b.ApplicationName = v,
        ["fallback_application_name"] = (b, v) => b.ApplicationName ??= v,
        ["options"] = (b, v) => b.Options = v,
        ["client_encoding"] = (b, v) => b.ClientEncoding = v,
        ["sslmode"] = (b, v) => b.SslMode = OneOf("sslmode", v,
            ("disable", SslMode.Disable), ("allow", SslMode.Allow), ("prefer", SslMode.Prefer), ("require", SslMode.Require),
            ("verify-ca", SslMode.VerifyCA), ("verify-full", SslMode.VerifyFull)),
        ["sslrootcert"] = (b, v) => b.RootCertificate = v,
        ["sslcert"] = (b, v) => b.SslCertificate = v,
        ["sslkey"] = (b, v) => b.SslKey = v,
        ["sslpassword"] = (b, v) => b.SslPassword = v,
        ["sslnegotiation"] = (b, v) => b.SslNegotiation = OneOf("sslnegotiation", v, ("postgres", SslNegotiation.Postgres), ("direct", SslNegotiation.Direct)),
        ["gssencmode"] = (b, v) => b.GssEncryptionMode = OneOf("gssencmode", v,
            ("disable", GssEncryptionMode.Disable), ("prefer", GssEncryptionMode.Prefer), ("require", GssEncryptionMode.Require)),
        ["channel_binding"] = (b, v) => b.ChannelBinding = OneOf("channel_binding", v,
            ("disable", ChannelBinding.Disable), ("prefer", ChannelBinding.Prefer), ("require", ChannelBinding.Require)),
        ["require_auth"] = (b, v) => b.RequireAuth = RequireAuthOf(v),
        ["krbsrvname"] = (b, v) => b.KerberosServiceName = v,
        ["target_session_attrs"] = (b, v) => b.TargetSessionAttributes = OneOf("target_session_attrs", v,
            ("any", "any"), ("read-write", "read-write"), ("read-only", "read-only"), ("primary", "primary"), ("standby", "standby"), ("prefer-standby", "prefer-standby")),
        ["load_balance_hosts"] = (b, v) => b.LoadBalanceHosts = OneOf("load_balance_hosts", v, ("disable", false), ("random", true)),
        ["keepalives"] = (b, v) => b.TcpKeepAlive = OneOf("keepalives", v, ("0", false), ("1", true)),
        ["keepalives_idle"] = (b, v) => b.TcpKeepAliveTime = Integer("keepalives_idle", v),
        ["keepalives_interval"] = (b, v) => b.TcpKeepAliveInterval = Integer("keepalives_interval", v),
    };

    /// <summary>The value of the choice <paramref name="value"/> names; a value that names none is a user error listing them all.</summary>
    private static T OneOf<T>(string name, string value, params (string Text, T Value)[] choices)
    {
        foreach (var (text, choice) in choices)
        {
            if (text == value)
            {
                return choice;
            }
        }

        throw Invalid(name, value, string.Join(", ", choices.Select(c => c.Text)));
    }

    private static string RequireAuthOf(string value)
    {
        var methods = value.Split(',').Select(m =>
        {
            var negated = m.StartsWith('!');
            var method = (negated ? m[1..] : m) switch
            {
                "password" => "Password",
                "md5" => "MD5",
                "gss" => "GSS",
                "sspi" => "SSPI",
                "scram-sha-256" => "ScramSHA256",
                "none" => "None",
                _ => throw Invalid("require_auth", value, "password, md5, gss, sspi, scram-sha-256, none (comma-separated, ! to negate)"),
            };
            return negated ? "!" + method : method;
        });
        return string.Join(',', methods);
    }

    private static int Integer(string name, string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ApdbUserException($"{Source}: URI parameter '{name}' must be an integer, not '{Printable(Truncate(value))}'");

    private static ApdbUserException Invalid(string name, string value, string allowed) =>
        new($"{Source}: URI parameter {name}='{Printable(Truncate(value))}' is not one of {allowed}");

    private static string Decode(string text, string what)
    {
        try
        {
            return Uri.UnescapeDataString(text);
        }
        catch (UriFormatException)
        {
            throw new ApdbUserException($"{Source}: {what} in the URI is not valid percent-encoding");
        }
    }

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "...";

    /// <summary>Control characters (terminal escapes) shown as <c>\xNN</c>.</summary>
    private static string Printable(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            sb.Append(char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString());
        }

        return sb.ToString();
    }
}
