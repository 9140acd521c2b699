using System.Diagnostics;

namespace Apdb.Association.Tests;

/// <summary>
/// A fact that needs a peer implementation (python3 with scipy): skipped with a message when the peer is missing,
/// unless <c>APDB_REQUIRE_ORACLES=1</c> (CI), in which case the test runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OracleFactAttribute : FactAttribute
{
    public OracleFactAttribute()
    {
        if (!ScipyPeer.IsAvailable && Environment.GetEnvironmentVariable("APDB_REQUIRE_ORACLES") != "1")
        {
            Skip = "python3 with scipy is not installed (apt-get install python3-scipy); set APDB_REQUIRE_ORACLES=1 to require it";
        }
    }
}

/// <summary>
/// Finds and runs a python3 that has scipy: <c>APDB_PYTHON</c> when set, else Debian's /usr/bin/python3 (where
/// python3-scipy installs), else python3 on the PATH (which may be a pyenv shim without scipy).
/// </summary>
internal static class ScipyPeer
{
    private static readonly Lazy<string?> Interpreter = new(() =>
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
                if (RunWith(candidate, "import scipy, numpy", []).ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed at this path; try the next.
            }
        }

        return null;
    });

    public static bool IsAvailable => Interpreter.Value is not null;

    public static (int ExitCode, string Stdout, string Stderr) Run(string script, IReadOnlyList<string> args) =>
        RunWith(Interpreter.Value ?? "python3", script, args);

    private static (int ExitCode, string Stdout, string Stderr) RunWith(string interpreter, string script, IReadOnlyList<string> args)
    {
        var scriptPath = Path.Combine(Path.GetTempPath(), $"apdb-oracle-{Guid.NewGuid():N}.py");
        File.WriteAllText(scriptPath, script);
        try
        {
            var info = new ProcessStartInfo(interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(scriptPath);
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr.Result);
        }
        finally
        {
            File.Delete(scriptPath);
        }
    }
}
