using System.Diagnostics;
using System.Text;

namespace Apdb.Embedded;

/// <summary>The outcome of one external process run.</summary>
/// <param name="ExitCode">The process exit code.</param>
/// <param name="StandardOutput">Everything written to stdout.</param>
/// <param name="StandardError">Everything written to stderr.</param>
internal readonly record struct ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The last non-empty line of stderr, else of stdout: what a one-line error message should quote.</summary>
    public string LastLine()
    {
        foreach (var text in new[] { StandardError, StandardOutput })
        {
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (lines.Length > 0)
            {
                return lines[^1];
            }
        }

        return $"exit code {ExitCode}";
    }
}

/// <summary>
/// Runs the PostgreSQL tools. When this process is root, the server tools run as the <c>postgres</c> user through
/// <c>runuser</c>, because PostgreSQL refuses to run as root.
/// </summary>
internal static class ProcessRunner
{
    public static bool IsRoot => Environment.UserName == "root" || GetEuid() == 0;

    public static async Task<ProcessResult> RunAsync(string fileName, IReadOnlyList<string> arguments, bool asServerUser, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        if (asServerUser && IsRoot)
        {
            start.FileName = "runuser";
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(EmbeddedPostgres.ServerUser);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(fileName);
        }
        else
        {
            start.FileName = fileName;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The tools must not inherit a locale the machine lacks, nor a client's PG* settings.
        start.Environment["LC_ALL"] = "C";
        foreach (var key in new[] { "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD", "PGDATA" })
        {
            start.Environment.Remove(key);
        }

        using var process = new Process { StartInfo = start };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stdout)
                {
                    stdout.AppendLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new ApdbUserException($"cannot run {start.FileName}: {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            throw;
        }

        // WaitForExitAsync returns once the streams are drained too.
        return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    private static uint GetEuid()
    {
        try
        {
            return geteuid();
        }
        catch (DllNotFoundException)
        {
            return uint.MaxValue;
        }
        catch (EntryPointNotFoundException)
        {
            return uint.MaxValue;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = false)]
#pragma warning disable SYSLIB1054 // A single trivial call; LibraryImport source generation buys nothing here.
    private static extern uint geteuid();
#pragma warning restore SYSLIB1054
}
