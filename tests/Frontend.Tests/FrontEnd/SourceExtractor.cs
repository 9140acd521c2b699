using System.Diagnostics;
using System.Globalization;

namespace Apdb.Frontend.Tests.FrontEnd;

/// <summary>
/// Debian's <c>source-extractor</c> (SExtractor 2.25) with its default configuration (1.5 sigma, minarea 3, the 3 x 3
/// default filter, DEBLEND_NTHRESH 32, DEBLEND_MINCONT 0.005) and 64-px background meshes, as the peer of the oracle tests.
/// </summary>
internal static class SourceExtractor
{
    public const string Executable = "/usr/bin/source-extractor";

    /// <summary>
    /// False when the peer is missing (the test then reports itself skipped); fails when APDB_REQUIRE_ORACLES=1 (CI)
    /// and it is missing.
    /// </summary>
    public static bool Available(Action<string> log)
    {
        if (File.Exists(Executable))
        {
            return true;
        }

        Xunit.Assert.False(Environment.GetEnvironmentVariable("APDB_REQUIRE_ORACLES") == "1", "APDB_REQUIRE_ORACLES=1 but source-extractor is missing (apt-get install source-extractor)");
        log("skipped: source-extractor not installed (apt-get install source-extractor)");
        return false;
    }

    /// <summary>Runs SExtractor on the FITS image; positions 0-based (SExtractor's are 1-based), FLUX_AUTO.</summary>
    public static List<(double X, double Y, double Flux)> Run(string fitsPath, string workDir)
    {
        var param = Path.Combine(workDir, "sex.param");
        File.WriteAllText(param, "X_IMAGE\nY_IMAGE\nFLUX_AUTO\n");
        var catalog = Path.Combine(workDir, "sex.cat");
        var psi = new ProcessStartInfo(Executable,
            $"\"{fitsPath}\" -c /usr/share/source-extractor/default.sex -PARAMETERS_NAME \"{param}\" -CATALOG_NAME \"{catalog}\" -CATALOG_TYPE ASCII " +
            "-FILTER_NAME /usr/share/source-extractor/default.conv -BACK_SIZE 64 -VERBOSE_TYPE QUIET -CHECKIMAGE_TYPE NONE")
        { RedirectStandardError = true, RedirectStandardOutput = true };
        using (var process = Process.Start(psi)!)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Xunit.Assert.True(process.ExitCode == 0, $"source-extractor exited {process.ExitCode}: {stderr.Result}");
        }

        return [.. File.ReadLines(catalog).Where(l => !l.StartsWith('#') && l.Trim().Length > 0)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .Select(v => (v[0] - 1, v[1] - 1, v[2]))];
    }
}
