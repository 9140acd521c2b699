namespace Apdb.Cli.Tests;

/// <summary><c>apdb demo</c>: bad options fail before anything starts.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class DemoCommandTests
{
    [Theory]
    [InlineData("--visits 0", "--visits 0")]
    [InlineData("--detectors 0", "--detectors 0")]
    [InlineData("--workers 0", "--workers 0")]
    [InlineData("--frontend magic", "--frontend 'magic'")]
    public async Task Bad_options_fail_with_one_line_naming_the_option(string options, string expected)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(["demo", "--db", "Host=/nonexistent;Database=none", .. options.Split(' ')]);
        Assert.Equal(1, code);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Equal(string.Empty, stdout);
    }
}
