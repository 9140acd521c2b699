namespace Apdb.Cli.Tests;

/// <summary>--db: a bad one exits 1 with one line naming the problem, never the password; apdb sql on it reads unless --write.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class DbOptionTests(PipelineCliDatabase server) : IClassFixture<PipelineCliDatabase>
{
    [Theory]
    [InlineData("postgresql://apdb:Hunter2Secret@127.0.0.1:99999/apdb", "port '99999'")]
    [InlineData("postgresql://apdb:Hunter2Secret@127.0.0.1:5432/apdb?sslmode=sometimes", "sslmode='sometimes'")]
    [InlineData("postgresql://apdb:Hunter2Secret@127.0.0.1:5432/apdb?ssl_mode=require", "'ssl_mode'")]
    [InlineData("Host=127.0.0.1;Password=Hunter2Secret;Port=not-a-port", "not a valid connection string")]
    [InlineData("postgresql://apdb:Hunter2Secret@127.0.0.1:1/apdb?connect_timeout=3", "cannot reach PostgreSQL at 127.0.0.1:1")]
    public async Task A_bad_db_exits_1_naming_the_problem_without_the_password(string db, string named)
    {
        foreach (var command in new[] { "status", "sql" })
        {
            var result = await CliRunner.RunAsync(command == "sql" ? ["--db", db, "sql", "SELECT 1"] : ["--db", db, command]);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains(named, result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("Hunter2Secret", result.Stderr + result.Stdout, StringComparison.Ordinal);
            Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    [Fact]
    public async Task Sql_on_a_db_server_runs_read_only_unless_write_is_given()
    {
        var db = await server.CreateDatabaseAsync("sqldb");
        Assert.Equal(0, (await CliRunner.RunAsync("--db", db, "init")).ExitCode);

        var refused = await CliRunner.RunAsync("--db", db, "sql", "INSERT INTO metadata (name, value) VALUES ('probe', 'x')");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("SQL error 25006", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("--write", refused.Stderr, StringComparison.Ordinal);

        var written = await CliRunner.RunAsync("--db", db, "sql", "--write", "INSERT INTO metadata (name, value) VALUES ('probe', 'x')");
        Assert.True(written.ExitCode == 0, written.Stderr);
        var read = await CliRunner.RunAsync("--db", db, "sql", "--csv", "SELECT value FROM metadata WHERE name = 'probe'");
        Assert.Equal(["value", "x"], read.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
