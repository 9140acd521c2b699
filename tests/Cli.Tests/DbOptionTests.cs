namespace Apdb.Cli.Tests;

/// <summary>What a bad --db does: exit 1, one line naming the problem, never the password.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class DbOptionTests
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
}
