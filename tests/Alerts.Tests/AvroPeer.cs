using System.Diagnostics;

namespace Apdb.Alerts.Tests;

/// <summary>
/// The Avro peer: Debian's python3-avro (the Apache Avro Python library), and Rubin's alert schema v10.0 from
/// ../shared/reference/alert-schema-v10.0 beside the repository (or $APDB_ALERT_SCHEMA_DIR). Missing peers skip the
/// tests locally; with APDB_REQUIRE_ORACLES=1 (CI) they fail.
/// </summary>
internal static class AvroPeer
{
    private static readonly Lazy<string?> PythonPath = new(() => PythonInterpreter.Find("avro.datafile, avro.io, avro.schema"));

    public static bool Required => Environment.GetEnvironmentVariable("APDB_REQUIRE_ORACLES") == "1";

    /// <summary>Why the peer cannot run, or null when it can.</summary>
    public static string? Unavailable =>
        PythonPath.Value is null ? "python3 with the avro module not found (tried $APDB_PYTHON, /usr/bin/python3, python3); apt-get install python3-avro, or set APDB_REQUIRE_ORACLES=1 to make this a failure"
        : RubinSchemaDir is null ? "Rubin's alert schema v10.0 not found (../shared/reference/alert-schema-v10.0 beside the repository, or $APDB_ALERT_SCHEMA_DIR)"
        : null;

    /// <summary>The directory holding Rubin's <c>lsst.v10_0.*.avsc</c> files, or null.</summary>
    public static string? RubinSchemaDir
    {
        get
        {
            if (Environment.GetEnvironmentVariable("APDB_ALERT_SCHEMA_DIR") is { Length: > 0 } configured && Directory.Exists(configured))
            {
                return configured;
            }

            var root = RepositoryRoot;
            var dir = root is null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared", "reference", "alert-schema-v10.0"));
            return dir is not null && File.Exists(Path.Combine(dir, "lsst.v10_0.alert.avsc")) ? dir : null;
        }
    }

    /// <summary>The repository root (the directory holding Apdb.sln).</summary>
    public static string? RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Apdb.sln")))
                {
                    return dir.FullName;
                }
            }

            return null;
        }
    }

    /// <summary>Runs a python script with the arguments; returns stdout, or throws with stderr.</summary>
    public static string Python(string script, string directory, params string[] args)
    {
        var python = PythonPath.Value ?? throw new InvalidOperationException("APDB_REQUIRE_ORACLES=1 but no python3 with avro was found; apt-get install python3-avro or set APDB_PYTHON");
        var path = Path.Combine(directory, "avro_peer.py");
        File.WriteAllText(path, script);
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(path);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {python}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the avro peer did not finish in 3 minutes");
        }

        return process.ExitCode == 0 ? stdout.Result : throw new InvalidOperationException($"avro peer failed ({process.ExitCode}):\n{stderr.Result}\n{stdout.Result}");
    }

}

/// <summary>A fact that needs Rubin's schema files only: skipped when missing, unless APDB_REQUIRE_ORACLES=1.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RubinSchemaFactAttribute : FactAttribute
{
    public RubinSchemaFactAttribute()
    {
        if (!AvroPeer.Required && AvroPeer.RubinSchemaDir is null)
        {
            Skip = "Rubin's alert schema v10.0 not found (../shared/reference/alert-schema-v10.0 beside the repository, or $APDB_ALERT_SCHEMA_DIR)";
        }
    }
}

/// <summary>A theory that needs Rubin's schema files only: skipped when missing, unless APDB_REQUIRE_ORACLES=1.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RubinSchemaTheoryAttribute : TheoryAttribute
{
    public RubinSchemaTheoryAttribute()
    {
        if (!AvroPeer.Required && AvroPeer.RubinSchemaDir is null)
        {
            Skip = "Rubin's alert schema v10.0 not found (../shared/reference/alert-schema-v10.0 beside the repository, or $APDB_ALERT_SCHEMA_DIR)";
        }
    }
}

/// <summary>A theory that needs python3-avro and Rubin's schema files: skipped when missing, unless APDB_REQUIRE_ORACLES=1.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class AvroPeerTheoryAttribute : TheoryAttribute
{
    public AvroPeerTheoryAttribute()
    {
        if (!AvroPeer.Required && AvroPeer.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
