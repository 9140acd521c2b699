using System.Diagnostics;
using Apdb.TestSupport;

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
/// Runs a python3 that has scipy, found by <see cref="PythonInterpreter"/> (Debian's python3-scipy lives in /usr/bin/python3,
/// which a pyenv shim on the PATH may hide).
/// </summary>
internal static class ScipyPeer
{
    private static readonly Lazy<string?> Interpreter = new(() => PythonInterpreter.Find("scipy, numpy"));

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
