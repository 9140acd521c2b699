using System.CommandLine;
using System.Globalization;
using System.Text;
using Apdb.Sky;

namespace Apdb.Cli.Commands;

/// <summary><c>healpix hash</c> and <c>healpix cone</c>: the sky index from the shell.</summary>
internal static class HealpixCommands
{
    public static void AddTo(RootCommand root)
    {
        var healpix = new Command("healpix", "HEALPix NESTED sky index: hash positions, cover cones");
        healpix.Subcommands.Add(Hash());
        healpix.Subcommands.Add(Cone());
        root.Subcommands.Add(healpix);
    }

    private static Option<int> DepthOption() => new("--depth")
    {
        Description = "HEALPix depth 0-29 (Nside = 2^depth)",
        Required = true,
    };

    private static Command Hash()
    {
        var depth = DepthOption();
        var command = new Command("hash", "Read CSV 'ra,dec' (degrees, header line) on stdin; write one NESTED pixel id a line") { depth };
        CommandRunner.SetAction(command, async (parse, _, ct) =>
        {
            var d = parse.GetValue(depth);
            CheckDepth(d);
            var (ra, dec) = ReadPositions(new StreamReader(Console.OpenStandardInput(), Encoding.UTF8, false, 1 << 16), ct);
            var ids = new long[ra.Count];
            HealpixNested.Hash(d, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ra), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(dec), ids);
            await using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
            foreach (var id in ids)
            {
                await output.WriteLineAsync(id.ToString(CultureInfo.InvariantCulture));
            }

            return CommandRunner.Success;
        });
        return command;
    }

    private static Command Cone()
    {
        var depth = DepthOption();
        var ra = new Option<double>("--ra") { Description = "Cone centre right ascension, degrees", Required = true };
        var dec = new Option<double>("--dec") { Description = "Cone centre declination, degrees", Required = true };
        var radius = new Option<double>("--radius-deg") { Description = "Cone radius, degrees (0 < r < 180)", Required = true };
        var command = new Command("cone", "Write 'start,end' half-open NESTED pixel ranges at --depth covering every pixel the disc touches") { depth, ra, dec, radius };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var d = parse.GetValue(depth);
            CheckDepth(d);
            var r = parse.GetValue(radius);
            if (!(r > 0 && r < 180))
            {
                throw new ApdbUserException($"--radius-deg {r} is outside (0, 180)");
            }

            var cone = new SkyCone(SkyPosition.FromDegrees(parse.GetValue(ra), parse.GetValue(dec)), r);
            var coverage = cone.CoverageAtDepth(d);
            if (context.Json)
            {
                context.WriteJson(new { depth = d, pixels = coverage.PixelCount, ranges = coverage.Ranges.Select(r => new[] { r.Start, r.End }) });
                return CommandRunner.Success;
            }

            await using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
            foreach (var range in coverage.Ranges)
            {
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{range.Start},{range.End}"));
            }

            return CommandRunner.Success;
        });
        return command;
    }

    private static void CheckDepth(int depth)
    {
        if (depth is < 0 or > HealpixNested.MaxDepth)
        {
            throw new ApdbUserException($"--depth {depth} is outside 0-{HealpixNested.MaxDepth}");
        }
    }

    /// <summary>Reads 'ra,dec' rows (degrees); the first bad value ends the read with its line and column.</summary>
    private static (List<double> Ra, List<double> Dec) ReadPositions(TextReader input, CancellationToken ct)
    {
        var ra = new List<double>();
        var dec = new List<double>();
        using var table = CsvTable.Open(input, "stdin");
        var raIndex = table.Require("ra");
        var decIndex = table.Require("dec");
        while (table.Read())
        {
            ct.ThrowIfCancellationRequested();
            var r = table.Double(raIndex);
            var de = table.Double(decIndex);
            if (!double.IsFinite(r))
            {
                throw table.Bad(raIndex, "is not finite");
            }

            if (!double.IsFinite(de) || de < -90 || de > 90)
            {
                throw table.Bad(decIndex, "is outside [-90, 90]");
            }

            ra.Add(r);
            dec.Add(de);
        }

        return (ra, dec);
    }
}
