using System.Diagnostics;

namespace Apdb.Cli.Tests;

/// <summary>
/// A fact that needs node and the npm package hyparquet, an independent Parquet reader (pure JavaScript, MIT), which
/// <c>.ci/run</c> installs under <c>artifacts/node</c> (or where <c>APDB_HYPARQUET</c> points): skipped with a message
/// when either is missing, unless <c>APDB_REQUIRE_ORACLES=1</c> (CI), in which case the test runs and fails.
/// </summary>
/// <remarks>
/// hyparquet stands in for pandas, which the issue asked for: Debian 12 packages no Parquet engine for pandas
/// (<c>apt-cache search parquet</c>, <c>pyarrow</c> and <c>fastparquet</c> find nothing after <c>apt-get update</c>),
/// and PyPI is out of reach of this project's machines and CI.
/// </remarks>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HyparquetFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Found = new(Find);

    public HyparquetFactAttribute()
    {
        if (Found.Value is null && Environment.GetEnvironmentVariable("APDB_REQUIRE_ORACLES") != "1")
        {
            Skip = "node with the npm package hyparquet is not installed (apt-get install nodejs npm; npm install --prefix artifacts/node hyparquet, as .ci/run does); set APDB_REQUIRE_ORACLES=1 to require it";
        }
    }

    /// <summary>The hyparquet package directory (which then fails the test when it is missing).</summary>
    public static string ModuleDirectory => Found.Value ?? Candidate();

    private static string Candidate()
    {
        if (Environment.GetEnvironmentVariable("APDB_HYPARQUET") is { Length: > 0 } set)
        {
            return set;
        }

        var root = Path.GetDirectoryName(ReadmeBlocks.Path())!;
        return Path.Combine(root, "artifacts", "node", "node_modules", "hyparquet");
    }

    private static string? Find()
    {
        var directory = Candidate();
        if (!File.Exists(Path.Combine(directory, "src", "node.js")))
        {
            return null;
        }

        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            if (node is null)
            {
                return null;
            }

            _ = node.StandardOutput.ReadToEnd();
            node.WaitForExit();
            return node.ExitCode == 0 ? directory : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
