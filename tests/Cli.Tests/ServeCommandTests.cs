namespace Apdb.Cli.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class ServeCommandTests
{
    [Theory]
    [InlineData("--bind", "localhost:80", "serve: --bind localhost:80 is not an IP address")]
    [InlineData("--port", "70000", "serve: --port 70000 is outside 0-65535")]
    [InlineData("--timeout", "0", "serve: --timeout 0 is outside (0, 3600] seconds")]
    [InlineData("--max-rows", "0", "serve: --max-rows 0 must be at least 1")]
    public async Task Bad_serve_options_exit_1_with_a_message_before_touching_a_database(string option, string value, string message)
    {
        var (exit, _, stderr) = await CliRunner.RunAsync("--db", "Host=127.0.0.1;Port=1;Username=nobody;Database=none", "serve", option, value);
        Assert.Equal(1, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }
}
