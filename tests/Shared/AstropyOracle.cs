using System.Diagnostics;

namespace Apdb.TestSupport;

/// <summary>
/// Peers for the imaging oracle tests (this file is linked into Imaging.Tests and ForcedPhot.Tests): Debian's python3
/// with astropy and numpy, and fitsverify. Missing peers skip the oracle tests locally; with APDB_REQUIRE_ORACLES=1
/// (CI) they fail instead.
/// </summary>
internal static class Oracle
{
    private static readonly Lazy<string?> PythonPath = new(() => PythonInterpreter.Find("astropy.io.fits, astropy.wcs, numpy"));
    private static readonly Lazy<bool> HasFitsverify = new(() => TryRun("fitsverify", "-h") is not null);

    public static bool Required => Environment.GetEnvironmentVariable("APDB_REQUIRE_ORACLES") == "1";

    public static string? Unavailable => PythonPath.Value is null
        ? "python3 with astropy and numpy not found (tried $APDB_PYTHON, /usr/bin/python3, python3); apt-get install python3-astropy, or set APDB_REQUIRE_ORACLES=1 to make this a failure"
        : null;

    public static string? FitsverifyUnavailable => HasFitsverify.Value ? null : "fitsverify not found (apt-get install fitsverify)";

    /// <summary>Runs a python script with the directory as argv[1]; returns stdout.</summary>
    public static string Python(string script, string directory)
    {
        var python = PythonPath.Value ?? throw new InvalidOperationException("APDB_REQUIRE_ORACLES=1 but no python3 with astropy was found; install python3-astropy or set APDB_PYTHON");
        var path = Path.Combine(directory, "oracle.py");
        File.WriteAllText(path, script);
        var (code, stdout, stderr) = Run(python, $"\"{path}\" \"{directory}\"");
        return code == 0 ? stdout : throw new InvalidOperationException($"oracle script failed ({code}):\n{stderr}\n{stdout}");
    }

    public static (int Code, string Stdout, string Stderr) Fitsverify(string file)
    {
        if (!HasFitsverify.Value)
        {
            throw new InvalidOperationException("APDB_REQUIRE_ORACLES=1 but fitsverify is not installed (apt-get install fitsverify)");
        }

        return Run("fitsverify", $"-q \"{file}\"");
    }

    private static (int, string, string)? TryRun(string file, string args)
    {
        try
        {
            return Run(file, args);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, string args)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {args} did not finish in 3 minutes");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
