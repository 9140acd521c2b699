using System.Text.Json;

namespace Apdb.Cli.Tests;

/// <summary>Parse errors, --json errors and --json output: the same shape for every command.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CliConsistencyTests
{
    [Theory]
    [InlineData("run --visits abc", "run: --visits: 'abc' is not an integer")]
    [InlineData("healpix cone --ra x --dec 0 --radius-deg 1", "healpix cone: --ra: 'x' is not a number")]
    [InlineData("simulate --preset demo --visit 1 --detector 1", "simulate: Option '--out' is required")]
    [InlineData("bogus", "Unrecognized command or argument 'bogus'")]
    [InlineData("", "no command given")]
    public async Task A_command_line_that_does_not_parse_is_one_line_on_stderr_naming_the_option(string line, string expected)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--json run --visits abc", 1, "--visits")]
    [InlineData("--json healpix hash --depth 99", 1, "--depth 99")]
    [InlineData("--json sql --db Host=/nonexistent;Database=none SELECT", 1, "")]
    public async Task Errors_under_json_are_one_json_object_on_stderr(string line, int code, string mentions)
    {
        var (exit, stdout, stderr) = await CliRunner.RunAsync(line.Split(' '));
        Assert.Equal(code, exit);
        Assert.Equal(string.Empty, stdout);
        using var json = JsonDocument.Parse(stderr);
        Assert.Equal(code, json.RootElement.GetProperty("code").GetInt32());
        Assert.Contains(mentions, json.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healpix_cone_by_default_gives_at_most_64_depth_29_ranges_with_the_sql_functions_columns()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("healpix", "cone", "--ra", "59.4959", "--dec", "-62.1268", "--radius-deg", "0.05");
        Assert.True(code == 0, stderr);
        var lines = stdout.Trim().Split('\n');
        Assert.Equal("lo,hi", lines[0]);
        Assert.InRange(lines.Length - 1, 1, 64);

        (code, stdout, stderr) = await CliRunner.RunAsync("--json", "healpix", "cone", "--ra", "59.4959", "--dec", "-62.1268", "--radius-deg", "0.05", "--max-ranges", "4");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.InRange(json.RootElement.GetProperty("ranges").GetArrayLength(), 1, 4);
        Assert.Equal(29, json.RootElement.GetProperty("depth").GetInt32());
    }
}
