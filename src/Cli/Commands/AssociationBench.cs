using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Apdb.Association;
using Apdb.Cli.Tables;
using Apdb.Association.Sql;
using Spectre.Console;
using Apdb.Sky;

namespace Apdb.Cli.Commands;

/// <summary>
/// The association scaling benchmark: each strategy over a size sweep in one run on the same seeded catalogs, outputs
/// checked identical at every size, medians of repeats, log-log slopes; with sql and q3c both, their queries are also
/// timed on the same staged tables.
/// </summary>
internal sealed class AssociationBench
{
    private const double PointBudgetSeconds = 20.0;

    private readonly Options _options;
    private readonly CliContext _context;
    private readonly List<Point> _points = [];
    private readonly List<Skipped> _skipped = [];
    private readonly List<InDatabasePoint> _inDatabase = [];

    public AssociationBench(Options options, CliContext context)
    {
        _options = options;
        _context = context;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var finders = new Dictionary<string, ICandidateFinder>();
        foreach (var name in _options.Strategies)
        {
            finders[name] = await AssociationStrategies.CreateAsync(name, _context, cancellationToken);
        }

        Directory.CreateDirectory(_options.OutDir);
        Say($"[bold]association benchmark[/]: strategies {string.Join(", ", _options.Strategies)}; sizes {string.Join(", ", _options.Sizes)}; radius {_options.RadiusArcsec}\"; seed {_options.Seed}");
        await WarmUpAsync(finders, cancellationToken);

        var lastBrute = (N: 0L, Seconds: 0.0);
        foreach (var n in _options.Sizes)
        {
            var seed = _options.Seed + (int)Math.Log10(n);
            var (objects, sources) = SyntheticCatalogs.Generate(checked((int)n), seed);
            IReadOnlyList<MatchResult>? reference = null;
            var referenceName = string.Empty;
            foreach (var name in _options.Strategies)
            {
                if (name == "brute" && lastBrute.N > 0)
                {
                    var projected = lastBrute.Seconds * Math.Pow((double)n / lastBrute.N, 2);
                    if (projected > _options.BruteLimitSeconds)
                    {
                        _skipped.Add(new Skipped(name, n, projected));
                        Say(FormattableString.Invariant($"  N={n,9:N0}  [yellow]brute skipped[/]: projected {projected:F0} s > {_options.BruteLimitSeconds:F0} s"));
                        continue;
                    }
                }

                var (point, matches) = await MeasureAsync(finders[name], objects, sources, n, cancellationToken);
                _points.Add(point);
                if (name == "brute")
                {
                    lastBrute = (n, point.Seconds);
                }

                if (reference is null)
                {
                    reference = matches;
                    referenceName = name;
                }
                else
                {
                    CheckIdentical(reference, referenceName, matches, name, n);
                }

                Say(FormattableString.Invariant(
                    $"  N={n,9:N0}  {name,-6} {point.Seconds,9:F4} s  (median of {point.Runs}; find {point.FindSeconds:F4} s)  pairs {point.Pairs:N0}  matched {point.Matched:N0}{(reference == matches ? string.Empty : "  [green]identical[/]")}"));
            }

            if (finders.ContainsKey("sql") && finders.ContainsKey("q3c"))
            {
                await CompareInDatabaseAsync(objects, sources, n, reference!, cancellationToken);
            }
        }

        var slopes = _options.Strategies.ToDictionary(s => s, s => Slope(_points.Where(p => p.Strategy == s).Select(p => (p.N, p.Seconds))));
        WriteFiles(slopes);
        if (_context.Json)
        {
            _context.WriteJson(JsonNode.Parse(File.ReadAllText(Path.Combine(_options.OutDir, "association.json")))!);
        }
        else
        {
            var table = new Table().AddColumn("strategy").AddColumn("fitted slope (log t vs log N)").AddColumn("points");
            foreach (var (name, slope) in slopes)
            {
                table.AddRow(name, slope is { } s ? s.ToString("F3", CultureInfo.InvariantCulture) : "-", _points.Count(p => p.Strategy == name).ToString(CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            Say($"wrote {Markup.Escape(Path.Combine(_options.OutDir, "association" + _options.TableExtension))}, association.json, association.png");
        }

        return CommandRunner.Success;
    }

    private static async Task WarmUpAsync(Dictionary<string, ICandidateFinder> finders, CancellationToken cancellationToken)
    {
        // JIT tiering, connection pool, server caches: nothing timed before every path has run a few times. A method
        // reaches tier 1 after 30 calls and the matchers' per-call methods are entered once an association, so the
        // in-memory ones run 40 small associations first (with 3, the first sizes of a sweep timed tier-0 code, which
        // flattened the fitted slopes; benchmarks/RESULTS.md, association).
        var (small, smallSources) = SyntheticCatalogs.Generate(1_000, seed: 2);
        foreach (var finder in finders.Values.Where(f => f is not InDatabaseCandidateFinder))
        {
            for (var i = 0; i < 40; i++)
            {
                await Associator.AssociateAsync(small, smallSources, 1.0, AssociationMode.Greedy, finder, cancellationToken);
            }
        }

        await Task.Delay(200, cancellationToken); // tier-1 compiles finish in the background
        var (objects, sources) = SyntheticCatalogs.Generate(3_000, seed: 1);
        for (var i = 0; i < 3; i++)
        {
            foreach (var finder in finders.Values)
            {
                await Associator.AssociateAsync(objects, sources, 1.0, AssociationMode.Greedy, finder, cancellationToken);
            }
        }
    }

    private async Task<(Point Point, IReadOnlyList<MatchResult> Matches)> MeasureAsync(
        ICandidateFinder finder, Catalog objects, Catalog sources, long n, CancellationToken cancellationToken)
    {
        var maxRuns = n <= 10_000 ? 5 : 3;
        var seconds = new List<double>();
        var find = new List<double>();
        var stage = new List<double>();
        var index = new List<double>();
        var query = new List<double>();
        AssociationResult? last = null;
        var budget = Stopwatch.StartNew();
        for (var run = 0; run < maxRuns && (run == 0 || budget.Elapsed.TotalSeconds < PointBudgetSeconds); run++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            last = await Associator.AssociateAsync(objects, sources, _options.RadiusArcsec, AssociationMode.Greedy, finder, cancellationToken);
            seconds.Add(last.Timings.MatchSeconds);
            find.Add(last.Timings.FindSeconds);
            if (InDatabaseTimingsOf(finder) is { } t)
            {
                stage.Add(t.StageSeconds);
                index.Add(t.IndexSeconds);
                query.Add(t.QuerySeconds);
            }
        }

        var point = new Point(
            finder.Name, n, objects.Count, sources.Count, Selection.Median(seconds), Selection.Median(find), last!.PairCount, last.MatchedCount, seconds.Count,
            stage.Count > 0 ? Selection.Median(stage) : null, index.Count > 0 ? Selection.Median(index) : null, query.Count > 0 ? Selection.Median(query) : null);
        return (point, last.Matches);
    }

    private static InDatabaseTimings? InDatabaseTimingsOf(ICandidateFinder finder) => finder switch
    {
        SqlCandidateFinder sql => sql.LastTimings,
        Q3cCandidateFinder q3c => q3c.LastTimings,
        _ => null,
    };

    private async Task CompareInDatabaseAsync(Catalog objects, Catalog sources, long n, IReadOnlyList<MatchResult> reference, CancellationToken cancellationToken)
    {
        var dataSource = await _context.GetDataSourceAsync(cancellationToken);
        var clock = Stopwatch.StartNew();
        var staged = await StagedCatalogs.StageAsync(dataSource, objects, sources, _options.RadiusArcsec, cancellationToken);
        await using (staged)
        {
            var stageSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            await staged.CreatePixelIndexAsync(cancellationToken);
            var pixelIndexSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            await staged.CreateQ3cIndexAsync(cancellationToken);
            var q3cIndexSeconds = clock.Elapsed.TotalSeconds;

            // Alternate the two queries so drift on a shared machine hits both alike.
            var sqlSeconds = new List<double>();
            var q3cSeconds = new List<double>();
            var runs = n <= 100_000 ? 5 : 3;
            CandidateSet? sqlPairs = null;
            CandidateSet? q3cPairs = null;
            for (var run = 0; run < runs; run++)
            {
                clock.Restart();
                sqlPairs = await staged.QueryPixelRangesAsync(cancellationToken);
                sqlSeconds.Add(clock.Elapsed.TotalSeconds);
                clock.Restart();
                q3cPairs = await staged.QueryQ3cAsync(cancellationToken);
                q3cSeconds.Add(clock.Elapsed.TotalSeconds);
            }

            CheckIdentical(reference, "reference", Associator.Resolve(objects, sources, sqlPairs!, _options.RadiusArcsec, AssociationMode.Greedy, cancellationToken), "sql (staged)", n);
            CheckIdentical(reference, "reference", Associator.Resolve(objects, sources, q3cPairs!, _options.RadiusArcsec, AssociationMode.Greedy, cancellationToken), "q3c (staged)", n);
            var point = new InDatabasePoint(
                n, stageSeconds, pixelIndexSeconds, q3cIndexSeconds, Selection.Median(sqlSeconds), Selection.Median(q3cSeconds), runs,
                sqlPairs!.Count, q3cPairs!.Count, staged.RangeCount, staged.NeighbourDepth, staged.ProbeDepth);
            _inDatabase.Add(point);
            Say(FormattableString.Invariant(
                $"  N={n,9:N0}  same staged tables (stage {stageSeconds:F3} s): sql query {point.SqlQuerySeconds:F4} s (+ index {pixelIndexSeconds:F3} s), q3c_join {point.Q3cQuerySeconds:F4} s (+ index {q3cIndexSeconds:F3} s): q3c/sql [bold]{point.Q3cQuerySeconds / point.SqlQuerySeconds:F2}x[/]"));
        }
    }

    private static void CheckIdentical(IReadOnlyList<MatchResult> expected, string expectedName, IReadOnlyList<MatchResult> actual, string actualName, long n)
    {
        if (expected.Count != actual.Count)
        {
            throw new InvalidOperationException($"N={n}: {actualName} returned {actual.Count} results, {expectedName} {expected.Count}: strategies disagree");
        }

        for (var i = 0; i < expected.Count; i++)
        {
            if (!expected[i].Equals(actual[i]))
            {
                throw new InvalidOperationException($"N={n}: strategies disagree at source {expected[i].SourceId}: {expectedName} {expected[i]}, {actualName} {actual[i]}");
            }
        }
    }

    private void WriteFiles(Dictionary<string, double?> slopes)
    {
        var json = new JsonObject
        {
            ["radiusArcsec"] = _options.RadiusArcsec,
            ["seed"] = _options.Seed,
            ["mode"] = "greedy",
            ["timing"] = "seconds = median over runs of the whole association (candidate search + exact filter + greedy resolution), catalogs in memory; " +
                         "sql/q3c include staging (binary COPY, VACUUM ANALYZE), index build and query; catalogs: objects at 1e5/deg^2, sources = 1.3 N",
            ["slopes"] = new JsonObject(slopes.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)(kv.Value is { } v ? JsonValue.Create(v) : null)))),
            ["points"] = new JsonArray([.. _points.Select(p => (JsonNode)new JsonObject
            {
                ["strategy"] = p.Strategy,
                ["n"] = p.N,
                ["seconds"] = p.Seconds,
                ["pairs"] = p.Pairs,
                ["objects"] = p.Objects,
                ["sources"] = p.Sources,
                ["findSeconds"] = p.FindSeconds,
                ["matched"] = p.Matched,
                ["runs"] = p.Runs,
                ["stageSeconds"] = p.StageSeconds,
                ["indexSeconds"] = p.IndexSeconds,
                ["querySeconds"] = p.QuerySeconds,
            })]),
            ["skipped"] = new JsonArray([.. _skipped.Select(s => (JsonNode)new JsonObject
            {
                ["strategy"] = s.Strategy,
                ["n"] = s.N,
                ["projectedSeconds"] = s.ProjectedSeconds,
            })]),
        };
        if (_inDatabase.Count > 0)
        {
            json["sqlVsQ3c"] = new JsonArray([.. _inDatabase.Select(p => (JsonNode)new JsonObject
            {
                ["n"] = p.N,
                ["stageSeconds"] = p.StageSeconds,
                ["pixelIndexSeconds"] = p.PixelIndexSeconds,
                ["q3cIndexSeconds"] = p.Q3cIndexSeconds,
                ["sqlQuerySeconds"] = p.SqlQuerySeconds,
                ["q3cQuerySeconds"] = p.Q3cQuerySeconds,
                ["q3cOverSql"] = p.Q3cQuerySeconds / p.SqlQuerySeconds,
                ["runs"] = p.Runs,
                ["sqlCandidates"] = p.SqlCandidates,
                ["q3cCandidates"] = p.Q3cCandidates,
                ["ranges"] = p.Ranges,
                ["neighbourDepth"] = p.NeighbourDepth,
                ["probeDepth"] = p.ProbeDepth,
            })]);
        }

        // Each file is written next to its final name and moved, so a failed run leaves no half-written file.
        TableFile.Write(Path.Combine(_options.OutDir, "association" + _options.TableExtension), Table(_points), "--table-format");
        WriteAtomically(Path.Combine(_options.OutDir, "association.json"), path => File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
        WriteAtomically(Path.Combine(_options.OutDir, "association.png"), path => AssociationPlot.Save(path, _points, slopes, _options.RadiusArcsec));
    }

    private static void WriteAtomically(string path, Action<string> write)
    {
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileNameWithoutExtension(path)}.{Environment.ProcessId}.tmp{Path.GetExtension(path)}");
        try
        {
            write(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>One row a strategy and size, as the CSV has always had them, with units for the formats that carry them.</summary>
    private static OutputTable Table(List<Point> points)
    {
        T[] Map<T>(Func<Point, T> value) => [.. points.Select(value)];
        return new OutputTable()
            .Add("strategy", Map(p => p.Strategy), description: "association strategy")
            .Add("n", Map(p => p.N), description: "requested catalog size")
            .Add("objects", Map(p => p.Objects), description: "objects in the catalog")
            .Add("sources", Map(p => p.Sources), description: "sources in the catalog (1.3 n)")
            .Add("seconds", Map(p => p.Seconds), "s", "median wall time of the whole association")
            .Add("findSeconds", Map(p => p.FindSeconds), "s", "median wall time of the candidate search")
            .Add("pairs", Map(p => p.Pairs), description: "source-object pairs within the radius")
            .Add("matched", Map(p => p.Matched), description: "sources matched")
            .Add("runs", Map(p => p.Runs), description: "timed runs")
            .Add("stageSeconds", Map(p => p.StageSeconds), "s", "in-database strategies: staging the catalogs (COPY, VACUUM ANALYZE)")
            .Add("indexSeconds", Map(p => p.IndexSeconds), "s", "in-database strategies: building the index")
            .Add("querySeconds", Map(p => p.QuerySeconds), "s", "in-database strategies: the matching query");
    }

    private void Say(string markup)
    {
        if (!_context.Json)
        {
            AnsiConsole.MarkupLine(markup);
        }
    }

    /// <summary>Least-squares slope of log10(seconds) against log10(N); null with fewer than two sizes.</summary>
    internal static double? Slope(IEnumerable<(long N, double Seconds)> data)
    {
        var points = data.Where(d => d.Seconds > 0).ToArray();
        if (points.Select(p => p.N).Distinct().Count() < 2)
        {
            return null;
        }

        var xs = points.Select(d => Math.Log10(d.N)).ToArray();
        var ys = points.Select(d => Math.Log10(d.Seconds)).ToArray();
        var mx = xs.Average();
        var my = ys.Average();
        var num = xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum();
        var den = xs.Sum(x => (x - mx) * (x - mx));
        return num / den;
    }

    internal sealed record Options(long[] Sizes, string[] Strategies, double RadiusArcsec, int Seed, double BruteLimitSeconds, string OutDir, string TableExtension = ".csv");

    internal sealed record Point(
        string Strategy, long N, int Objects, int Sources, double Seconds, double FindSeconds, int Pairs, int Matched, int Runs,
        double? StageSeconds, double? IndexSeconds, double? QuerySeconds);

    internal sealed record Skipped(string Strategy, long N, double ProjectedSeconds);

    internal sealed record InDatabasePoint(
        long N, double StageSeconds, double PixelIndexSeconds, double Q3cIndexSeconds, double SqlQuerySeconds, double Q3cQuerySeconds, int Runs,
        int SqlCandidates, int Q3cCandidates, long Ranges, int NeighbourDepth, int ProbeDepth);
}
