using System.Diagnostics;

namespace Apdb.Cli.Tests;

/// <summary>Ctrl-C on the real command, as a separate process: SIGINT cancels it and it exits 130, like a shell.</summary>
public sealed class CancellationProcessTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"apdb-sigint-{Guid.NewGuid():N}"[..32]);

    public CancellationProcessTests()
    {
        Directory.CreateDirectory(_dir);
    }

    [Fact]
    public async Task Sigint_cancels_a_command_which_exits_130_and_writes_nothing()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // The object catalog is a FIFO: opening it for writing returns only once the command has opened it for reading,
        // so the command is inside its body (its Ctrl-C handler installed) before the signal is sent.
        var objects = Path.Combine(_dir, "objects.csv");
        Assert.Equal(0, Exec("mkfifo", objects).ExitCode);
        var sources = Path.Combine(_dir, "sources.csv");
        await File.WriteAllTextAsync(sources, "id,ra,dec\n1,10.0,20.0\n");
        var output = Path.Combine(_dir, "matches.csv");
        using var command = StartCli("associate", "--objects", objects, "--sources", sources, "--strategy", "brute", "--out", output);
        var stderr = command.StandardError.ReadToEndAsync();
        var stdout = command.StandardOutput.ReadToEndAsync();

        var open = Task.Run(() => new FileStream(objects, FileMode.Open, FileAccess.Write, FileShare.ReadWrite));
        await Task.WhenAny(open, command.WaitForExitAsync());
        if (!open.IsCompletedSuccessfully)
        {
            command.Kill();
            Assert.Fail($"the FIFO did not open ({open.Exception?.InnerException?.Message}); the command said: {await stderr}");
        }

        await using (var writer = new StreamWriter(await open))
        {
            await writer.WriteLineAsync("id,ra,dec");
            await writer.FlushAsync();
            Assert.Equal(0, Exec("kill", "-INT", command.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ExitCode);

            // Rows keep coming until the command stops reading: each read after the signal sees the cancellation. They
            // come 500 at a time because the reader takes them in buffered blocks and looks at the token between blocks:
            // a row at a time kept it waiting for a block to fill.
            try
            {
                for (var id = 1; !command.HasExited && id < 10_000_000; id += 500)
                {
                    for (var k = id; k < id + 500; k++)
                    {
                        await writer.WriteLineAsync($"{k},10.0,20.0");
                    }

                    await writer.FlushAsync();
                    await Task.Delay(20);
                }
            }
            catch (IOException)
            {
                // The command closed the FIFO: it stopped reading.
            }
        }

        await command.WaitForExitAsync();
        Assert.Equal(130, command.ExitCode);
        Assert.Equal("apdb: cancelled", (await stderr).Trim());
        Assert.Equal(string.Empty, await stdout);
        Assert.False(File.Exists(output));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Starts the CLI with SIGINT at its default disposition. A test run started in the background by a shell without
    /// job control inherits SIGINT ignored (POSIX), every child keeps it ignored across exec, and the runtime leaves an
    /// ignored SIGINT alone, so the signal would never reach the command: python3 restores the default and execs it
    /// (the same process, so <c>kill -INT</c> on its id reaches the CLI).
    /// </summary>
    private static Process StartCli(params string[] args)
    {
        var dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var python = Environment.GetEnvironmentVariable("APDB_PYTHON") is { Length: > 0 } configured ? configured : "python3";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])");
        start.ArgumentList.Add(dotnet);
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Apdb.Cli.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment.Remove("APDB_DB");
        return Process.Start(start)!;
    }

    private static (int ExitCode, string StdErr) Exec(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stderr);
    }
}
