using System.CommandLine;
using Spectre.Console;

namespace Apdb.Cli.Tests;

/// <summary>Console is process-wide: every test that runs the command in-process belongs to this collection.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}

/// <summary>Runs <c>apdb</c> in-process with stdout and stderr captured.</summary>
internal static class CliRunner
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunInHomeAsync(null, args);

    /// <summary>Runs with <c>APDB_HOME</c> set to <paramref name="apdbHome"/> (when given) for the call: the embedded cluster's home.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunInHomeAsync(string? apdbHome, params string[] args)
    {
        await Gate.WaitAsync();
        var originalOut = Console.Out;
        var originalError = Console.Error;
        var originalHome = Environment.GetEnvironmentVariable("APDB_HOME");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        try
        {
            if (apdbHome is not null)
            {
                Environment.SetEnvironmentVariable("APDB_HOME", apdbHome);
            }

            Console.SetOut(stdout);
            Console.SetError(stderr);

            // Spectre.Console's static console binds to Console.Out when first used: without this, a status spinner's
            // refresh thread in one run writes to the writer of an earlier run, which is disposed by then (a crash of
            // the test host, not a failure of one test).
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
            var exitCode = await Program.InvokeAsync(args, new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout, Error = stderr });
            return (exitCode, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(originalOut);
            Console.SetError(originalError);
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(originalOut) });
            Environment.SetEnvironmentVariable("APDB_HOME", originalHome);
            Gate.Release();
        }
    }
}

/// <summary>Runs <c>apdb</c> as its own process (for tests of several processes at once), with stdout and stderr captured.</summary>
internal static class CliProcess
{
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => RunInHomeAsync(null, args);

    /// <summary>Runs with <c>APDB_HOME</c> set to <paramref name="apdbHome"/> (when given): the embedded cluster's home.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunInHomeAsync(string? apdbHome, params string[] args)
    {
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var start = new System.Diagnostics.ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Apdb.Cli.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Remove("APDB_DB");
        if (apdbHome is not null)
        {
            start.Environment["APDB_HOME"] = apdbHome;
        }

        using var process = System.Diagnostics.Process.Start(start)!;
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

        return (process.ExitCode, await stdout, await stderr);
    }
}
