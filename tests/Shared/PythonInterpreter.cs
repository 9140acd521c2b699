using System.Diagnostics;

namespace Apdb.TestSupport;

/// <summary>
/// The python3 that runs an oracle script: <c>APDB_PYTHON</c> when set, else Debian's /usr/bin/python3 (where the
/// python3-* packages install, and which a pyenv or venv python3 on the PATH may hide), else python3 on the PATH;
/// the first of them that imports the modules the oracle needs. Linked into every test project with a python peer.
/// </summary>
internal static class PythonInterpreter
{
    /// <summary>The first candidate that runs <c>import <paramref name="modules"/></c>, or null.</summary>
    /// <param name="modules">A python import list, e.g. <c>healpy, numpy</c>.</param>
    public static string? Find(string modules)
    {
        string?[] candidates = [Environment.GetEnvironmentVariable("APDB_PYTHON"), "/usr/bin/python3", "python3"];
        foreach (var candidate in candidates)
        {
            if (string.IsNullOrEmpty(candidate))
            {
                continue;
            }

            try
            {
                var start = new ProcessStartInfo(candidate) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add($"import {modules}");
                using var process = Process.Start(start);
                if (process is null)
                {
                    continue;
                }

                _ = process.StandardOutput.ReadToEndAsync();
                _ = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
                {
                    process.Kill(entireProcessTree: true);
                    continue;
                }

                if (process.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed under this name: try the next.
            }
        }

        return null;
    }
}
