using System.Diagnostics;
using System.Globalization;
using System.Text;
using Apdb.Frontend.Tests.FrontEnd;
using Apdb.Imaging;

namespace Apdb.FrontendHarness;

/// <summary>
/// Issue 17's crowded-field comparison as a benchmark: the crowded fields of the front-end tests (<see cref="CrowdedField"/>,
/// compiled in from tests/Frontend.Tests so both score the same fields the same way), each written as FITS and run
/// through the <c>apdb detect</c> process and Debian's <c>source-extractor</c> (defaults) in the same run, timed
/// <c>repeat</c> times; completeness at S/N &gt;= 10 and false detections against the truth.
/// </summary>
internal static class CrowdedComparison
{
    private const int Size = 768;

    public static int Run(string dir, string cli, IReadOnlyList<int> seeds, int repeat)
    {
        Directory.CreateDirectory(dir);
        var csv = new StringBuilder("seed,stars,wantedSnr10,oursFound,oursFalse,oursSources,oursChildren,sexFound,sexFalse,sexSources,oursWallMedian,sexWallMedian\n");
        foreach (var seed in seeds)
        {
            var stars = CrowdedField.Stars(Size, pairs: 220, isolated: 250, seed);
            var image = Synthetic.Render(Size, Size, stars, CrowdedField.Psf, CrowdedField.Noise, seed + 100, CrowdedField.Background);
            var fits = Path.Combine(dir, $"crowded-{seed}.fits");
            FitsFile.Write(fits, [new FitsHdu(new FitsHeader(), new FitsImage(image, [Size, Size]))]);
            var oursCatalog = Path.Combine(dir, $"ours-{seed}.csv");
            var sexCatalog = Path.Combine(dir, $"sex-{seed}.cat");
            var param = Path.Combine(dir, "sex.param");
            File.WriteAllText(param, "X_IMAGE\nY_IMAGE\nFLUX_AUTO\n");
            var oursWall = new List<double>();
            var sexWall = new List<double>();
            for (var r = 0; r < repeat; r++)
            {
                oursWall.Add(Time(cli, $"detect --image \"{fits}\" --out \"{oursCatalog}\""));
                sexWall.Add(Time("/usr/bin/source-extractor", $"\"{fits}\" -c /usr/share/source-extractor/default.sex -PARAMETERS_NAME \"{param}\" -CATALOG_NAME \"{sexCatalog}\" " +
                    "-CATALOG_TYPE ASCII -FILTER_NAME /usr/share/source-extractor/default.conv -BACK_SIZE 64 -VERBOSE_TYPE QUIET -CHECKIMAGE_TYPE NONE"));
            }

            var oursRows = File.ReadLines(oursCatalog).Skip(1).Select(l => l.Split(',')).ToList();
            var ours = oursRows.Select(v => (double.Parse(v[1], CultureInfo.InvariantCulture), double.Parse(v[2], CultureInfo.InvariantCulture))).ToList();
            var children = oursRows.Count(v => v[^1] != "0");
            var theirs = File.ReadLines(sexCatalog).Where(l => !l.StartsWith('#') && l.Trim().Length > 0)
                .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(v => (double.Parse(v[0], CultureInfo.InvariantCulture) - 1, double.Parse(v[1], CultureInfo.InvariantCulture) - 1)).ToList();
            var (found1, wanted, false1) = CrowdedField.Score(stars, Size, Size, ours);
            var (found2, _, false2) = CrowdedField.Score(stars, Size, Size, theirs);
            csv.Append(CultureInfo.InvariantCulture, $"{seed},{stars.Length},{wanted},{found1},{false1},{ours.Count},{children},{found2},{false2},{theirs.Count},{Median(oursWall):F3},{Median(sexWall):F3}\n");
        }

        File.WriteAllText(Path.Combine(dir, "crowded.csv"), csv.ToString());
        Console.Out.Write(csv);
        return 0;
    }

    private static double Time(string file, string arguments)
    {
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} exited {process.ExitCode}: {stderr.Result.Trim()}");
        }

        return clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
