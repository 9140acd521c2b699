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
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var d = parse.GetValue(depth);
            CheckDepth(d);
            var (ra, dec) = ReadPositions(new StreamReader(Console.OpenStandardInput(), Encoding.UTF8, false, 1 << 16), ct);
            var ids = new long[ra.Count];
            HealpixNested.Hash(d, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ra), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(dec), ids);
            if (context.Json)
            {
                context.WriteJson(new { depth = d, count = ids.Length, pixelIds = ids });
                return CommandRunner.Success;
            }

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
        var depth = new Option<int?>("--depth") { Description = "Cover at this depth 0-29 exactly, lines 'start,end' (default: adaptive, as the SQL function healpix_cone_ranges)" };
        var maxRanges = new Option<int?>("--max-ranges") { Description = "Without --depth: at most this many depth-29 pixelId ranges, columns lo,hi as healpix_cone_ranges (default 64)" };
        var ra = new Option<double>("--ra") { Description = "Cone centre right ascension, degrees", Required = true };
        var dec = new Option<double>("--dec") { Description = "Cone centre declination, degrees", Required = true };
        var radius = new Option<double>("--radius-deg") { Description = "Cone radius, degrees (0 < r < 180)", Required = true };
        var command = new Command("cone", "Write the half-open NESTED pixel ranges covering every pixel a disc touches") { depth, maxRanges, ra, dec, radius };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var r = parse.GetValue(radius);
            if (!(r > 0 && r < 180))
            {
                throw new ApdbUserException($"--radius-deg {r} is outside (0, 180)");
            }

            var cone = new SkyCone(SkyPosition.FromDegrees(parse.GetValue(ra), parse.GetValue(dec)), r);
            if (parse.GetValue(depth) is not { } d)
            {
                return await WriteAdaptiveAsync(context, cone, parse.GetValue(maxRanges) ?? DefaultMaxRanges, ct);
            }

            if (parse.GetValue(maxRanges) is not null)
            {
                throw new ApdbUserException("healpix cone: --max-ranges applies to the adaptive cover; with --depth every pixel of that depth is listed");
            }

            CheckDepth(d);
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

    /// <summary>The SQL function healpix_cone_ranges' default, Rubin's APDB's bound on ranges a region query probes.</summary>
    private const int DefaultMaxRanges = 64;

    /// <summary>The adaptive cover as <c>healpix_cone_ranges</c> returns it: depth-29 pixelId ranges, columns lo,hi.</summary>
    private static async Task<int> WriteAdaptiveAsync(CliContext context, SkyCone cone, int maxRanges, CancellationToken ct)
    {
        if (maxRanges is < 1 or > 1_000_000)
        {
            throw new ApdbUserException($"healpix cone: --max-ranges {maxRanges} is outside 1-1000000");
        }

        var coverage = cone.Coverage(maxRanges);
        var ranges = coverage.ToDepth(HealpixNested.MaxDepth).Ranges;
        if (context.Json)
        {
            context.WriteJson(new { depth = HealpixNested.MaxDepth, coverDepth = coverage.Depth, maxRanges, ranges = ranges.Select(x => new { lo = x.Start, hi = x.End }) });
            return CommandRunner.Success;
        }

        var output = Console.Out;
        await output.WriteLineAsync("lo,hi");
        foreach (var range in ranges)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{range.Start},{range.End}"));
        }

        return CommandRunner.Success;
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
