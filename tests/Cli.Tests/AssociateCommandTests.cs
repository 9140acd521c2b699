using System.Globalization;
using System.Text.Json;

namespace Apdb.Cli.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class AssociateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-cli-assoc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Objects() => Write("objects.csv", "id,ra,dec\n1,10.0,20.0\n2,10.001,20.0\n3,359.9999,0\n");

    private string Sources() => Write("sources.csv", "id,ra,dec\n100,10.0001,20.0\n101,0.00001,0\n102,50,50\n");

    [Theory]
    [InlineData("brute")]
    [InlineData("memory")]
    public async Task Associate_writes_one_line_per_source_and_reports_json(string strategy)
    {
        var output = Path.Combine(_dir, "matches.csv");
        var (code, stdout, stderr) = await CliRunner.RunAsync(
            "associate", "--objects", Objects(), "--sources", Sources(), "--radius-arcsec", "1.0", "--strategy", strategy, "--out", output, "--json");
        Assert.True(code == 0, stderr);
        var lines = File.ReadAllLines(output);
        Assert.Equal("sourceId,objectId,distArcsec", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("100,1,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("101,3,", lines[2], StringComparison.Ordinal);
        Assert.Equal("102,,", lines[3]);

        // 0.0001 deg of RA at dec 20 is 0.3383": distance round-trips.
        Assert.Equal(0.3383, double.Parse(lines[1].Split(',')[2], CultureInfo.InvariantCulture), 4);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(2, json.RootElement.GetProperty("matched").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("unmatched").GetInt32());
        var seconds = json.RootElement.GetProperty("seconds");
        foreach (var key in new[] { "read", "match", "write" })
        {
            Assert.True(seconds.GetProperty(key).GetDouble() >= 0);
        }

        Assert.Equal(strategy, json.RootElement.GetProperty("strategy").GetString());
    }

    [Fact]
    public async Task Associate_writes_the_format_its_out_extension_names_and_refuses_an_unknown_one_before_reading()
    {
        var ecsv = Path.Combine(_dir, "matches.ecsv");
        var (code, _, stderr) = await CliRunner.RunAsync("associate", "--objects", Objects(), "--sources", Sources(), "--out", ecsv);
        Assert.True(code == 0, stderr);
        var lines = File.ReadAllLines(ecsv);
        Assert.Equal("# %ECSV 1.0", lines[0]);
        Assert.Contains(lines, l => l.Contains("name: 'distArcsec'", StringComparison.Ordinal) && l.Contains("unit: 'arcsec'", StringComparison.Ordinal));
        var body = lines.Where(l => !l.StartsWith('#')).ToArray();
        Assert.Equal("sourceId,objectId,distArcsec", body[0]);
        Assert.Equal("102,,", body[3]);

        var parquet = Path.Combine(_dir, "matches.parquet");
        (code, _, stderr) = await CliRunner.RunAsync("associate", "--objects", Objects(), "--sources", Sources(), "--out", parquet);
        Assert.True(code == 0, stderr);
        await using (var reader = await Parquet.ParquetReader.CreateAsync(parquet))
        {
            using var group = reader.OpenRowGroupReader(0);
            var objects = new long?[3];
            await group.ReadAsync<long>(reader.Schema.DataFields[1], objects.AsMemory(), null);
            Assert.Equal(new long?[] { 1, 3, null }, objects);
            var distances = new double?[3];
            await group.ReadAsync<double>(reader.Schema.DataFields[2], distances.AsMemory(), null);
            Assert.Null(distances[2]);
            Assert.Equal(0.3383, distances[0]!.Value, 4);
        }

        var txt = Path.Combine(_dir, "matches.txt");
        (code, var stdout, stderr) = await CliRunner.RunAsync("associate", "--objects", Path.Combine(_dir, "missing.csv"), "--sources", Sources(), "--out", txt);
        Assert.Equal(1, code);
        Assert.Contains("unknown extension '.txt'", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Equal(string.Empty, stdout);
        Assert.False(File.Exists(txt));
    }

    [Fact]
    public async Task Associate_without_json_prints_a_summary_and_the_modes_differ_only_where_they_should()
    {
        var output = Path.Combine(_dir, "m.csv");
        var (code, stdout, _) = await CliRunner.RunAsync(
            "associate", "--objects", Objects(), "--sources", Sources(), "--radius-arcsec", "1", "--mode", "optimal", "--out", output);
        Assert.Equal(0, code);
        Assert.Contains("2 of 3 sources matched", stdout, StringComparison.Ordinal);
        Assert.Equal(4, File.ReadAllLines(output).Length);
    }

    public static TheoryData<string, string, string, string> BadInputs() => new()
    {
        // objects text, sources text, extra option pair, what the message must name
        { "id,ra\n1,10\n", "id,ra,dec\n1,10,20\n", "", "'dec'" },
        { "id,ra,dec\n1,10,20\n7,NaN,20\n", "id,ra,dec\n1,10,20\n", "", "object 7" },
        { "id,ra,dec\n1,10,20\n", "id,ra,dec\n8,10,95\n", "", "source 8" },
        { "id,ra,dec\n1,10,20\n", "id,ra,dec\n9,400,0\n", "", "source 9" },
        { "id,ra,dec\n5,10,20\n5,11,20\n", "id,ra,dec\n1,10,20\n", "", "duplicate id" },
        { "id,ra,dec\n1,10,20\n", "id,ra,dec\n1,abc,20\n", "", ":2: column 'ra'" },
        { "id,ra,dec\n1,10,20\n", "id,ra,dec\n1,10,20\n", "--radius-arcsec=0", "--radius-arcsec" },
        { "id,ra,dec\n1,10,20\n", "id,ra,dec\n1,10,20\n", "--radius-arcsec=-1", "--radius-arcsec" },
        { "id,ra,dec\n1,10,20\n", "id,ra,dec\n1,10,20\n", "--strategy=kdtree", "unknown strategy 'kdtree'" },
        { "id,ra,dec\n1,10,20\n", "id,ra,dec\n1,10,20\n", "--mode=best", "unknown association mode 'best'" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_exits_1_with_one_line_naming_the_problem_and_writes_nothing(string objects, string sources, string extra, string expected)
    {
        var output = Path.Combine(_dir, "out.csv");
        var args = new List<string> { "associate", "--objects", Write("o.csv", objects), "--sources", Write("s.csv", sources), "--out", output };
        if (extra.Length > 0)
        {
            args.Add(extra);
        }

        if (!extra.StartsWith("--radius", StringComparison.Ordinal))
        {
            args.AddRange(["--radius-arcsec", "1"]);
        }

        var (code, stdout, stderr) = await CliRunner.RunAsync([.. args]);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.False(File.Exists(output), "no output file on a user error");
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public async Task A_missing_input_file_or_output_directory_is_a_user_error()
    {
        var output = Path.Combine(_dir, "out.csv");
        var (code, _, stderr) = await CliRunner.RunAsync(
            "associate", "--objects", Path.Combine(_dir, "nope.csv"), "--sources", Sources(), "--radius-arcsec", "1", "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("nope.csv: file not found", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));

        var (code2, _, stderr2) = await CliRunner.RunAsync(
            "associate", "--objects", Objects(), "--sources", Sources(), "--radius-arcsec", "1", "--out", Path.Combine(_dir, "missing", "out.csv"));
        Assert.Equal(1, code2);
        Assert.Contains("does not exist", stderr2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ten_megabyte_cell_with_terminal_escapes_is_quoted_short_and_escaped_in_the_error()
    {
        var hostile = "\u001b[31m\u001b]0;pwned\u0007" + new string('9', 10_000_000) + "x";
        var sources = Write("s.csv", $"id,ra,dec\n1,{hostile},20\n");
        var output = Path.Combine(_dir, "out.csv");

        var (code, stdout, stderr) = await CliRunner.RunAsync("associate", "--objects", Objects(), "--sources", sources, "--out", output);

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(stderr.Length < sources.Length + 200, $"the error is {stderr.Length} characters long");
        Assert.DoesNotContain('\u001b', stderr);
        Assert.DoesNotContain('\u0007', stderr);
        Assert.Contains(":2: column 'ra': '\\x1B[31m\\x1B]0;pwned\\x0799", stderr, StringComparison.Ordinal);
        Assert.Contains("...' (10000016 characters) is not a number", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task A_huge_header_is_quoted_short_in_the_error()
    {
        var objects = Write("o.csv", "id,ra," + new string('d', 1_000_000) + "\n1,10,20\n");

        var (code, _, stderr) = await CliRunner.RunAsync("associate", "--objects", objects, "--sources", Sources(), "--out", Path.Combine(_dir, "out.csv"));

        Assert.Equal(1, code);
        Assert.Contains("required column 'dec' is missing (found: 'id,ra,ddd", stderr, StringComparison.Ordinal);
        Assert.True(stderr.Length < objects.Length + 200, $"the error is {stderr.Length} characters long");
    }

    [Theory]
    [InlineData("objects")]
    [InlineData("sources")]
    public async Task A_header_only_input_is_refused_naming_the_file(string which)
    {
        var objects = which == "objects" ? Write("o.csv", "id,ra,dec\n") : Objects();
        var sources = which == "sources" ? Write("s.csv", "id,ra,dec\n\n") : Sources();
        var output = Path.Combine(_dir, "out.csv");

        var (code, stdout, stderr) = await CliRunner.RunAsync("associate", "--objects", objects, "--sources", sources, "--out", output);

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"{(which == "objects" ? objects : sources)}: no {which[..^1]} rows (the file has a header only)", line, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Theory]
    [InlineData("--objects", "same")]
    [InlineData("--sources", "same")]
    [InlineData("--sources", "relative")]
    [InlineData("--objects", "symlink")]
    public async Task An_output_that_is_an_input_is_refused_and_the_input_is_untouched(string input, string spelling)
    {
        var objects = Objects();
        var sources = Sources();
        var target = input == "--objects" ? objects : sources;
        var before = await File.ReadAllTextAsync(target);
        var output = spelling switch
        {
            "same" => target,
            "relative" => Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(_dir, ".", "..", Path.GetFileName(_dir), Path.GetFileName(target))),
            _ => Path.Combine(_dir, "link.csv"),
        };
        if (spelling == "symlink")
        {
            File.CreateSymbolicLink(output, target);
        }

        var (code, stdout, stderr) = await CliRunner.RunAsync("associate", "--objects", objects, "--sources", sources, "--out", output);

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"--out {output} is the input {input} {target}", line, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(target));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }
}
