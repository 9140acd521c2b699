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
    public async Task An_unreachable_server_gives_one_line_naming_the_address()
    {
        var error = await Assert.ThrowsAsync<ApdbUserException>(() => ApdbConnector.ConnectAsync("Host=127.0.0.1;Port=1;Username=x;Password=y;Timeout=3"));

        Assert.Contains("cannot reach PostgreSQL at 127.0.0.1:1", error.Message, StringComparison.Ordinal);
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
}
