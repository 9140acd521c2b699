using Apdb.Tests.Support;
using Npgsql;

namespace Apdb.Tests;

[Collection(PostgresCollection.Name)]
public sealed class ConnectorTests(PostgresServer server)
{
    [Fact]
    public async Task Wrong_credentials_give_one_line_naming_the_server_and_user()
    {
        var wrong = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Username = "nobody_here", Password = "wrong" }.ConnectionString;

        var error = await Assert.ThrowsAsync<ApdbUserException>(() => ApdbConnector.ConnectAsync(wrong));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("nobody_here", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_past_its_command_timeout_is_told_apart_from_an_unreachable_server()
    {
        var cs = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { CommandTimeout = 1 }.ConnectionString;
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await using var command = dataSource.CreateCommand("SELECT pg_sleep(5)");

        var ex = await Assert.ThrowsAsync<NpgsqlException>(() => command.ExecuteNonQueryAsync());
        var message = ApdbConnector.Explain(cs, ex).Message;

        Assert.Contains("did not answer a query within its command timeout", message, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot reach", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_gives_one_line_naming_the_address()
    {
        var error = await Assert.ThrowsAsync<ApdbUserException>(() => ApdbConnector.ConnectAsync("Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=3"));

        Assert.Contains("cannot reach PostgreSQL at 127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_connection_reads_through_a_64_KiB_buffer_unless_its_string_sets_one()
    {
        await using (var defaulted = await ApdbConnector.ConnectAsync(server.AdminConnectionString))
        {
            Assert.Equal(ApdbConnector.DefaultReadBufferSize, new NpgsqlConnectionStringBuilder(defaulted.ConnectionString).ReadBufferSize);
        }

        foreach (var key in new[] { "Read Buffer Size", "ReadBufferSize", "read buffer size" })
        {
            await using var chosen = await ApdbConnector.ConnectAsync($"{server.AdminConnectionString};{key}=16384");
            Assert.Equal(16384, new NpgsqlConnectionStringBuilder(chosen.ConnectionString).ReadBufferSize);
        }
    }

    [Fact]
    public async Task Every_data_source_the_tool_builds_reads_through_the_buffer_and_keeps_the_strings_other_settings()
    {
        const string Base = "Host=127.0.0.1;Port=5544;Username=apdb;Database=apdb";
        await using (var plain = ApdbConnector.CreateDataSource(Base))
        {
            Assert.Equal(ApdbConnector.DefaultReadBufferSize, new NpgsqlConnectionStringBuilder(plain.ConnectionString).ReadBufferSize);
        }

        // apdb serve's string: no reset on close, which the buffer must not drop.
        await using var serve = ApdbConnector.CreateDataSource(new NpgsqlConnectionStringBuilder(Base) { NoResetOnClose = true }.ConnectionString);
        var built = new NpgsqlConnectionStringBuilder(serve.ConnectionString);
        Assert.Equal(ApdbConnector.DefaultReadBufferSize, built.ReadBufferSize);
        Assert.True(built.NoResetOnClose);
        Assert.Equal(5544, built.Port);
    }

    [Fact]
    public void A_libpq_uri_becomes_a_connection_string()
    {
        var cs = new NpgsqlConnectionStringBuilder(ApdbConnector.Normalize("postgresql://apdb:s%40cret@127.0.0.1:5544/apdb"));

        Assert.Equal("127.0.0.1", cs.Host);
        Assert.Equal(5544, cs.Port);
        Assert.Equal("apdb", cs.Username);
        Assert.Equal("s@cret", cs.Password);
        Assert.Equal("apdb", cs.Database);
    }

    [Fact]
    public void A_malformed_connection_string_is_a_user_error()
    {
        var error = Assert.Throws<ApdbUserException>(() => ApdbConnector.Normalize("this is not=a;valid;;;=connection"));
        Assert.Contains("--db", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_libpq_uri_parameter_with_an_Npgsql_equivalent_is_carried_through()
    {
        var cs = new NpgsqlConnectionStringBuilder(ApdbConnector.Normalize(
            "postgresql://u:pw@ignored:1/ignored?host=db.example.org&port=6543&dbname=apdb2&user=alice&password=p%26w" +
            "&sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&sslcert=%2Fh%2Fc.pem&sslkey=%2Fh%2Fk.pem&application_name=night%20run" +
            "&options=-c%20statement_timeout%3D5s&connect_timeout=7&target_session_attrs=read-write&keepalives_idle=30"));

        Assert.Equal("db.example.org", cs.Host);
        Assert.Equal(6543, cs.Port);
        Assert.Equal("apdb2", cs.Database);
        Assert.Equal("alice", cs.Username);
        Assert.Equal("p&w", cs.Password);
        Assert.Equal(SslMode.VerifyFull, cs.SslMode);
        Assert.Equal("/etc/ca.pem", cs.RootCertificate);
        Assert.Equal("/h/c.pem", cs.SslCertificate);
        Assert.Equal("/h/k.pem", cs.SslKey);
        Assert.Equal("night run", cs.ApplicationName);
        Assert.Equal("-c statement_timeout=5s", cs.Options);
        Assert.Equal(7, cs.Timeout);
        Assert.Equal("read-write", cs.TargetSessionAttributes);
        Assert.Equal(30, cs.TcpKeepAliveTime);
    }

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("allow", SslMode.Allow)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("require", SslMode.Require)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void Each_libpq_sslmode_maps_to_the_Npgsql_mode(string libpq, SslMode expected)
    {
        var cs = new NpgsqlConnectionStringBuilder(ApdbConnector.Normalize($"postgresql://h/db?sslmode={libpq}"));

        Assert.Equal(expected, cs.SslMode);
    }

    [Fact]
    public void A_uri_with_several_hosts_keeps_each_host_and_port()
    {
        var cs = new NpgsqlConnectionStringBuilder(ApdbConnector.Normalize("postgresql://a.example:5433,[::1]:5434/apdb"));

        Assert.Equal("a.example:5433,[::1]:5434", cs.Host);
        Assert.Equal("apdb", cs.Database);
    }

    [Theory]
    [InlineData("postgresql://h/db?sslmod=require", "'sslmod'")]
    [InlineData("postgresql://h/db?service=prod", "'service'")]
    [InlineData("postgresql://h/db?sslmode=verify", "sslmode='verify'")]
    [InlineData("postgresql://h/db?connect_timeout=soon", "'connect_timeout'")]
    [InlineData("postgresql://h/db?sslmode", "'sslmode' has no value")]
    public void An_unknown_or_invalid_uri_parameter_is_refused_by_name(string uri, string named)
    {
        var error = Assert.Throws<ApdbUserException>(() => ApdbConnector.Normalize(uri));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("postgresql://apdb:Hunter2Secret@127.0.0.1:99999/apdb")]
    [InlineData("postgresql://apdb:Hunter2Secret@127.0.0.1:port/apdb")]
    [InlineData("postgresql://apdb:Hunter2Secret@[::1/apdb")]
    [InlineData("postgresql://apdb@127.0.0.1/apdb?password=Hunter2Secret&port=0")]
    [InlineData("postgresql://apdb:Hunter2Secret@127.0.0.1/apdb?bogus=1")]
    [InlineData("Host=127.0.0.1;Password=Hunter2Secret;Port=99999999999")]
    [InlineData("Host=127.0.0.1;Password=Hunter2Secret;Bogus=Hunter2Secret")]
    [InlineData("Host=127.0.0.1;Password='Hunter2Secret';Timeout=Hunter2Secret")]
    [InlineData("Host=127.0.0.1;Password=Hunter2Secret;;;=x")]
    public void No_error_about_a_bad_connection_contains_its_password(string connection)
    {
        var error = Assert.Throws<ApdbUserException>(() => ApdbConnector.Normalize(connection));

        Assert.DoesNotContain("Hunter2Secret", error.Message, StringComparison.Ordinal);
        Assert.Contains("--db", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_login_does_not_print_the_password()
    {
        var wrong = new NpgsqlConnectionStringBuilder(server.AdminConnectionString) { Username = "nobody_here", Password = "Hunter2Secret" }.ConnectionString;

        var error = await Assert.ThrowsAsync<ApdbUserException>(() => ApdbConnector.ConnectAsync(wrong));

        Assert.DoesNotContain("Hunter2Secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_status_uri_keeps_the_tls_settings_and_drops_the_password()
    {
        var cs = ApdbConnector.Normalize("postgresql://alice:Hunter2Secret@db.example.org:6543/apdb?sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20root.pem");

        var uri = ApdbConnector.ToPasswordlessUri(cs);

        Assert.Equal("postgresql://alice@db.example.org:6543/apdb?sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20root.pem", uri);
        Assert.Equal(SslMode.VerifyFull, new NpgsqlConnectionStringBuilder(ApdbConnector.Normalize(uri)).SslMode);
    }

    [Fact]
    public void Sslrootcert_system_trusts_the_operating_system_roots_and_implies_verify_full()
    {
        var cs = new NpgsqlConnectionStringBuilder(ApdbConnector.Normalize("postgresql://h/db?sslrootcert=system"));
        Assert.Equal(SslMode.VerifyFull, cs.SslMode);
        Assert.Null(cs.RootCertificate);

        var error = Assert.Throws<ApdbUserException>(() => ApdbConnector.Normalize("postgresql://h/db?sslrootcert=system&sslmode=require"));
        Assert.Contains("sslrootcert=system needs sslmode=verify-full", error.Message, StringComparison.Ordinal);
    }
}
