using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Apdb.Cli.Tests;

/// <summary>
/// Every <c>bash</c> and <c>sql</c> block of the README, run in order as a new user would after <c>./apdb demo</c>, against
/// an embedded cluster of the test's own: none may fail (unless its comment says "exit 1") and none may print nothing.
/// A line whose comment holds <c>[README test: skipped, reason]</c> is not run; there may be only a few.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ReadmeExamplesTests(ITestOutputHelper output) : IDisposable
{
    private const string SkipMarker = "[README test: skipped";

    /// <summary>
    /// The demo the README starts with, made quick: one visit of one detector (the default is 3 x 2) through the image
    /// front end, as the README's demo runs it, so that its alerts carry real cutouts for `plot cutouts`. The history,
    /// and so every id the README quotes, is the same whichever visits run; the first detector-visit is the default
    /// demo's first too, so the object it prints for cutouts is the same.
    /// </summary>
    private static readonly string[] QuickDemo = ["--visits", "1", "--detectors", "1"];

    private readonly string _home = Path.Combine(Path.GetTempPath(), $"apdb-readme-{Guid.NewGuid():N}"[..26]);
    private readonly string _work = Directory.CreateTempSubdirectory("apdb-readme-work-").FullName;

    public void Dispose()
    {
        if (Directory.Exists(Path.Combine(_home, "pgdata")))
        {
            _ = RunAsync(["down"], null).GetAwaiter().GetResult();
        }

        foreach (var dir in new[] { _home, _work })
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: the temp directory is the OS's to clean.
            }
        }
    }

    [Fact]
    public async Task Every_README_command_runs_on_the_demo_APDB_and_prints_something()
    {
        Directory.CreateDirectory(_home);
        var readme = ReadmeBlocks.Path();
        var lines = ReadmeBlocks.Read(readme);
        var problems = new List<string>();
        var skipped = new List<string>();
        var ran = 0;
        string? demoOutput = null;
        foreach (var (number, language, text) in lines)
        {
            var where = $"README.md:{number}";
            string[] args;
            var expectedExit = 0;
            string? redirect = null;
            ReadmeCommandLine? command = null;
            if (language == "sql")
            {
                args = ["sql", "--format", "csv", text.Split("--")[0].Trim()];
            }
            else
            {
                command = ReadmeCommandLine.Parse(number, text);
                if (command.Comment.Contains(SkipMarker, StringComparison.Ordinal))
                {
                    skipped.Add($"{where}: {text.Trim()}");
                    continue;
                }

                if (command.Words.Count == 0 || command.Words[0] != "./apdb")
                {
                    problems.Add($"{where}: not an ./apdb command and not marked '{SkipMarker}, why]': {text.Trim()}");
                    continue;
                }

                args = [.. command.Words.Skip(1)];
                if (args is ["demo", ..])
                {
                    args = [.. args, .. QuickDemo];
                }

                expectedExit = command.Comment.Contains("exit 1", StringComparison.Ordinal) ? 1 : 0;
                redirect = command.RedirectTo;
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (code, stdout, stderr) = await RunAsync(args, redirect);
            output.WriteLine($"{where} exit {code} in {clock.Elapsed.TotalSeconds:F1} s: {text.Trim()}");
            ran++;
            if (args[0] == "demo")
            {
                demoOutput = stdout;
            }

            var problem = Check(code, expectedExit, stdout, stderr, command, language);
            if (problem is not null)
            {
                problems.Add($"{where}: {text.Trim()} -> {problem}");
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.True(ran >= 25, $"only {ran} README commands ran");
        // The tests themselves, two external servers, the fov preset (minutes of work) and the two `serve` lines (servers run
        // until stopped; ServeCommandTests and Serve.Tests start them).
        Assert.True(skipped.Count <= 6, "the README skips too many commands:\n" + string.Join('\n', skipped));

        // The README shows what demo prints: its DiaObject lines are the demo's, character for character.
        Assert.NotNull(demoOutput);
        var shown = DemoObjectLine().Matches(File.ReadAllText(readme)).Select(m => m.Value).ToList();
        Assert.Equal(3, shown.Count);
        Assert.All(shown, line => Assert.Contains(line, demoOutput, StringComparison.Ordinal));
        var cutouts = CutoutsLine().Match(File.ReadAllText(readme));
        Assert.True(cutouts.Success, "the README does not show demo's line naming a DiaObject with alert cutouts");
        Assert.Contains(cutouts.Value, demoOutput, StringComparison.Ordinal);
    }

    private string? Check(int code, int expectedExit, string stdout, string stderr, ReadmeCommandLine? command, string language)
    {
        if (code != expectedExit)
        {
            return $"exit {code}, expected {expectedExit}: {stderr.Trim()}";
        }

        if (expectedExit != 0)
        {
            return stderr.Trim().Length == 0 ? "failed without a message" : null;
        }

        var output = command?.RedirectTo is { } file ? File.ReadAllText(Path.Combine(_work, file)) : stdout;
        if (output.Trim().Length == 0)
        {
            return "printed nothing";
        }

        if ((language == "sql" || command?.RedirectTo is not null) && output.Trim().Split('\n').Length < 2)
        {
            return $"returned no rows: {output.Trim()}";
        }

        if (command?.Option("--out") is { } outPath)
        {
            var full = Path.Combine(_work, outPath);
            var text = Path.GetExtension(full) is ".csv" or ".ecsv";
            if (Directory.Exists(full) ? Directory.GetFiles(full).Length == 0 : !File.Exists(full) || new FileInfo(full).Length == 0 || (text && File.ReadAllLines(full).Count(l => !l.StartsWith('#')) < 2))
            {
                return $"--out {outPath} is missing or holds no rows";
            }
        }

        return null;
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args, string? redirect)
    {
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _work,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Apdb.Cli.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Remove("APDB_DB");
        start.Environment["APDB_HOME"] = _home;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"apdb {string.Join(' ', args)} did not finish in 5 minutes");
        }

        if (redirect is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(_work, redirect), await stdout);
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex(@"diaObjectId \d+  ra [0-9.]+  dec -?[0-9.]+  \(\d+ DiaSources\)")]
    private static partial Regex DemoObjectLine();

    [GeneratedRegex(@"with alert cutouts: \./apdb plot cutouts \d+")]
    private static partial Regex CutoutsLine();
}
