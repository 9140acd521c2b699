using System.CommandLine;
using System.Globalization;
using Apdb.Association;
using Apdb.Cli.Tables;
using Apdb.Sky;

namespace Apdb.Cli.Commands;

/// <summary><c>bench</c>: scaling benchmarks that write CSV, JSON and a plot.</summary>
internal static class BenchCommands
{
    public static void AddTo(RootCommand root)
    {
        var bench = new Command("bench", "Benchmarks that measure every side in one run and write CSV, JSON and a PNG plot");
        bench.Subcommands.Add(Association());
        bench.Subcommands.Add(HistoryDepthBench.CreateCommand());
        bench.Subcommands.Add(VisitsBench.CreateCommand());
        root.Subcommands.Add(bench);
    }

    private static Command Association()
    {
        var sizes = new Option<string>("--sizes") { Description = "Object counts, comma-separated (sources are 1.3x)", DefaultValueFactory = _ => "1000,10000,100000,1000000" };
        var strategies = new Option<string>("--strategies")
        {
            Description = "Strategies, comma-separated: brute, memory, sql, q3c (with sql and q3c both, their queries are also compared on the same staged tables)",
            DefaultValueFactory = _ => "brute,memory,sql",
        };
        var radius = new Option<double>("--radius-arcsec") { Description = "Match radius in arcseconds", DefaultValueFactory = _ => 1.0 };
        var seed = new Option<int>("--seed") { Description = "Base seed; the catalogs of size N use seed + floor(log10 N) (42: the harness's catalogs)", DefaultValueFactory = _ => 42 };
        var bruteLimit = new Option<double>("--brute-limit-seconds") { Description = "Skip brute at sizes where its projected time exceeds this", DefaultValueFactory = _ => 60.0 };
        var output = new Option<string>("--out") { Description = "Directory for association.csv (see --table-format), association.json, association.png", Required = true };
        var tableFormat = TableFormatOption();
        var command = new Command("association", "Time each association strategy over a size sweep, check they agree, fit log-log slopes")
        {
            sizes, strategies, radius, seed, bruteLimit, output, tableFormat,
        };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            var options = new AssociationBench.Options(
                ParseSizes(parse.GetValue(sizes)!),
                ParseStrategies(parse.GetValue(strategies)!),
                parse.GetValue(radius),
                parse.GetValue(seed),
                parse.GetValue(bruteLimit),
                parse.GetValue(output)!,
                TableExtension(parse.GetValue(tableFormat)!));
            if (!double.IsFinite(options.RadiusArcsec) || options.RadiusArcsec <= 0)
            {
                throw new AssociationInputException(string.Create(CultureInfo.InvariantCulture, $"--radius-arcsec {options.RadiusArcsec} must be a finite number > 0"));
            }

            if (File.Exists(options.OutDir))
            {
                throw new AssociationInputException($"--out {options.OutDir} is a file; give a directory");
            }

            return await new AssociationBench(options, context).RunAsync(ct);
        });
        return command;
    }

    /// <summary>The <c>--table-format</c> option of the bench commands: the format of their table, as a file extension.</summary>
    internal static Option<string> TableFormatOption() => new("--table-format")
    {
        Description = $"Format of the table the benchmark writes into --out, as an extension: {TableFile.Extensions}",
        DefaultValueFactory = _ => "csv",
    };

    /// <summary>The table's extension (with its dot) for a <c>--table-format</c> value; an unknown format is refused.</summary>
    internal static string TableExtension(string format)
    {
        var extension = "." + format.TrimStart('.').ToLowerInvariant();
        return TableFile.IsKnown(extension)
            ? extension
            : throw new ApdbUserException($"--table-format {UserText.Quote(format)} is not a table format; give one of {TableFile.Extensions}");
    }

    private static long[] ParseSizes(string text)
    {
        var sizes = IntegerList.Parse(text, 1, 50_000_000, part => new AssociationInputException($"--sizes: {part} is not a size between 1 and 50000000"));
        if (sizes.Count == 0)
        {
            throw new AssociationInputException("--sizes: give at least one size");
        }

        return [.. sizes.Distinct().Order()];
    }

    private static string[] ParseStrategies(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(AssociationStrategies.Parse).Distinct().ToArray();
        return names.Length > 0 ? names : throw new AssociationInputException("--strategies: give at least one strategy");
    }
}
