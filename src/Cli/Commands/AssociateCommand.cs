using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Apdb.Association;
using Apdb.Cli.Tables;

namespace Apdb.Cli.Commands;

/// <summary><c>associate</c>: match a source catalog against an object catalog with a chosen strategy and mode.</summary>
internal static class AssociateCommand
{
    public static void AddTo(RootCommand root)
    {
        var objects = new Option<string>("--objects") { Description = "Object catalog: CSV (or .parquet) with columns id,ra,dec [,raErr,decErr] in degrees", Required = true };
        var sources = new Option<string>("--sources") { Description = "Source catalog, same format", Required = true };
        var radius = new Option<double>("--radius-arcsec") { Description = "Match radius in arcseconds (> 0); 1.0 is Rubin's", DefaultValueFactory = _ => 1.0 };
        var strategy = new Option<string>("--strategy") { Description = "brute | memory | sql | q3c (sql and q3c run in PostgreSQL)", DefaultValueFactory = _ => "memory" };
        var mode = new Option<string>("--mode") { Description = "greedy | nearest | optimal (ap_association's minimum total score matching: chord, or with raErr/decErr on both sides the Gaussian negative log-likelihood; one global no-match cost)", DefaultValueFactory = _ => "greedy" };
        var output = new Option<string>("--out") { Description = $"Output table sourceId,objectId,distArcsec (one row per source); the format follows the extension: {TableFile.Extensions}", Required = true };
        var command = new Command("associate", "Associate sources with objects; every strategy gives identical output for a mode")
        {
            objects, sources, radius, strategy, mode, output,
        };
        CommandRunner.SetAction(command, async (parse, context, ct) =>
        {
            // Everything the user typed is checked before any work, and nothing is written until the end.
            var radiusArcsec = parse.GetValue(radius);
            if (!double.IsFinite(radiusArcsec) || radiusArcsec <= 0)
            {
                throw new AssociationInputException(string.Create(CultureInfo.InvariantCulture, $"--radius-arcsec {radiusArcsec} must be a finite number > 0"));
            }

            var strategyName = AssociationStrategies.Parse(parse.GetValue(strategy)!);
            var associationMode = AssociationModes.Parse(parse.GetValue(mode)!);
            var outPath = parse.GetValue(output)!;
            var objectsPath = parse.GetValue(objects)!;
            var sourcesPath = parse.GetValue(sources)!;
            CheckOutput(outPath);
            OutputFile.RefuseInputs(outPath, ("--objects", objectsPath), ("--sources", sourcesPath));

            var clock = Stopwatch.StartNew();
            var objectCatalog = await ReadNonEmptyAsync(objectsPath, "object", ct);
            var sourceCatalog = await ReadNonEmptyAsync(sourcesPath, "source", ct);
            var readSeconds = clock.Elapsed.TotalSeconds;

            // Connecting (and starting the embedded cluster) is not matching: it happens before the match clock starts.
            var finder = await AssociationStrategies.CreateAsync(strategyName, context, ct);
            clock.Restart();
            var result = await Associator.AssociateAsync(objectCatalog, sourceCatalog, radiusArcsec, associationMode, finder, ct);
            var matchSeconds = clock.Elapsed.TotalSeconds;

            clock.Restart();
            TableFile.Write(outPath, SourceTables.Matches(result.Matches));
            var writeSeconds = clock.Elapsed.TotalSeconds;

            if (context.Json)
            {
                context.WriteJson(new
                {
                    matched = result.MatchedCount,
                    unmatched = result.UnmatchedCount,
                    seconds = new { read = readSeconds, match = matchSeconds, write = writeSeconds },
                    strategy = strategyName,
                    mode = associationMode.ToName(),
                    radiusArcsec,
                    objects = objectCatalog.Count,
                    sources = sourceCatalog.Count,
                    pairs = result.PairCount,
                    candidates = result.CandidateCount,
                    output = Path.GetFullPath(outPath),
                });
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{result.MatchedCount} of {sourceCatalog.Count} sources matched to {objectCatalog.Count} objects ({strategyName}, {associationMode.ToName()}, {radiusArcsec}\"; {result.PairCount} pairs within the radius)"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"read {readSeconds:F3} s, match {matchSeconds:F3} s, write {writeSeconds:F3} s -> {outPath}"));
            }

            return CommandRunner.Success;
        });
        root.Subcommands.Add(command);
    }

    /// <summary>
    /// An association input without rows is refused: a header-only file is far more often a failed export than a wish
    /// to match nothing, and an empty result would hide it.
    /// </summary>
    private static async Task<Catalog> ReadNonEmptyAsync(string path, string label, CancellationToken ct)
    {
        var catalog = await CatalogFile.ReadAsync(path, label, ct);
        return catalog.Count > 0
            ? catalog
            : throw new AssociationInputException($"{path}: no {label} rows (the file has a header only); association needs at least one {label}");
    }

    private static void CheckOutput(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new AssociationInputException($"--out {path} is a directory; give a file name");
        }

        var directory = Path.GetDirectoryName(full);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new AssociationInputException($"--out {path}: directory {directory} does not exist");
        }

        TableFile.Check(path);
    }
}
