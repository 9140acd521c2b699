using System.Diagnostics;
using System.Runtime.InteropServices;
using Apdb.TestSupport;

namespace Apdb.Sky.Tests;

/// <summary>
/// Runs reference computations in a real peer: python3 with Debian's healpy and numpy. Arrays travel as raw
/// little-endian files in a temporary directory (numpy.fromfile / tofile), so nothing is parsed as text.
/// Missing peers skip the oracle tests locally; with APDB_REQUIRE_ORACLES=1 (CI) they fail instead.
/// </summary>
internal static class Oracle
{
    private const string Prelude = """
        import os, sys
        import numpy as np
        import healpy as hp
        D = sys.argv[1]
        def inp(name, dtype='<f8'):
            return np.fromfile(os.path.join(D, name + '.bin'), dtype=dtype)
        def out(name, arr, dtype='<i8'):
            np.ascontiguousarray(arr, dtype=dtype).tofile(os.path.join(D, name + '.out'))

        """;

    private static readonly Lazy<string?> PythonPath = new(() => PythonInterpreter.Find("healpy, numpy"));

    public static bool Required => Environment.GetEnvironmentVariable("APDB_REQUIRE_ORACLES") == "1";

    /// <summary>Why oracle tests cannot run here, or null when they can.</summary>
    public static string? Unavailable => PythonPath.Value is null
        ? "python3 with healpy and numpy not found (tried $APDB_PYTHON, /usr/bin/python3, python3); set APDB_REQUIRE_ORACLES=1 to make this a failure"
        : null;

    public static OracleResult Run(string script, params (string Name, Array Data)[] inputs)
    {
        var python = PythonPath.Value ?? throw new InvalidOperationException(
            "APDB_REQUIRE_ORACLES=1 but no python3 with healpy was found; install python3-healpy or set APDB_PYTHON");
        var dir = Directory.CreateTempSubdirectory("apdb-sky-oracle-").FullName;
        try
        {
            foreach (var (name, data) in inputs)
            {
                var bytes = data switch
                {
                    double[] d => MemoryMarshal.AsBytes(d.AsSpan()).ToArray(),
                    long[] l => MemoryMarshal.AsBytes(l.AsSpan()).ToArray(),
                    _ => throw new ArgumentException($"unsupported input type {data.GetType()}", nameof(inputs)),
                };
                File.WriteAllBytes(Path.Combine(dir, name + ".bin"), bytes);
            }

            var scriptPath = Path.Combine(dir, "oracle.py");
            File.WriteAllText(scriptPath, Prelude + script);
            var (code, stdout, stderr) = Execute(python, $"\"{scriptPath}\" \"{dir}\"", TimeSpan.FromMinutes(3));
            if (code != 0)
            {
                throw new InvalidOperationException($"oracle script failed with exit code {code}:\n{stderr}\n{stdout}");
            }

            var outputs = new Dictionary<string, byte[]>();
            foreach (var file in Directory.GetFiles(dir, "*.out"))
            {
                outputs[Path.GetFileNameWithoutExtension(file)] = File.ReadAllBytes(file);
            }

            return new OracleResult(outputs, stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (int Code, string Stdout, string Stderr) Execute(string fileName, string arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {arguments} did not finish within {timeout}");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
