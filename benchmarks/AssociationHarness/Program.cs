using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Apdb.Association;

// The must-show comparison: "memory" against scipy cKDTree doing what Rubin does (tree on object unit vectors +
// query_ball_point), both single-threaded on the same files, plus "brute" while it stays under ~30 s.
// Usage: dotnet run -c Release --project benchmarks/AssociationHarness -- [--sizes 1000,...] [--radius 1.0]
//        [--runs 5] [--python /usr/bin/python3] [--out DIR]
var options = Options.Parse(args);
Directory.CreateDirectory(options.OutDir);
var script = Path.Combine(AppContext.BaseDirectory, "ckdtree_bench.py");
var points = new List<Point>();
double? lastBruteSeconds = null;
long lastBruteN = 0;

Warm(options.Radius);
foreach (var n in options.Sizes)
{
    var (objects, sources) = Generate(checked((int)n), seed: 42 + (int)Math.Log10(n));
    var objectsPath = Path.Combine(options.OutDir, $"objects-{n}.bin");
    var sourcesPath = Path.Combine(options.OutDir, $"sources-{n}.bin");
    WriteBinary(objectsPath, objects);
    WriteBinary(sourcesPath, sources);

    var memory = Measure(objects, sources, options.Radius, HealpixCandidateFinder.Instance, options.Runs);
    double? brute = null;
    var projected = lastBruteSeconds is { } b ? b * ((double)n / lastBruteN) * ((double)n / lastBruteN) : 0;
    if (projected < 30)
    {
        var runs = projected < 2 ? options.Runs : 1;
        brute = Measure(objects, sources, options.Radius, BruteForceCandidateFinder.Instance, runs).FindAndFilter;
        lastBruteSeconds = brute;
        lastBruteN = n;
    }

    var scipy = RunScipy(options.Python, script, objectsPath, sourcesPath, options.Radius, options.Runs);
    File.Delete(objectsPath);
    File.Delete(sourcesPath);
    var point = new Point(n, objects.Count, sources.Count, memory.Pairs, scipy.Pairs, brute, memory.FindAndFilter, memory.Total, scipy.Seconds);
    points.Add(point);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"N={n,8} sources={sources.Count,8} pairs={memory.Pairs} (scipy {scipy.Pairs})  memory {memory.FindAndFilter:F4}s (with resolve {memory.Total:F4}s)  brute {(brute is { } bs ? bs.ToString("F3", CultureInfo.InvariantCulture) + "s" : "-")}  scipy {scipy.Seconds:F4}s  scipy/memory {scipy.Seconds / memory.FindAndFilter:F2}x"));
}

WriteResults(options.OutDir, options, points);
return 0;

static void Warm(double radius)
{
    // JIT and tier up the kernels before anything is timed: a method reaches tier 1 after 30 calls, and the matcher's
    // per-call methods are entered once per association, so a few warm calls would leave them at tier 0 (measured:
    // half the speed at 1e4).
    var (small, smallSources) = Generate(2_000, seed: 3);
    for (var i = 0; i < 60; i++)
    {
        Measure(small, smallSources, radius, HealpixCandidateFinder.Instance, 1);
    }

    Thread.Sleep(200); // the tier-1 compiles finish in the background
    var (o, s) = Generate(20_000, seed: 1);
    for (var i = 0; i < 3; i++)
    {
        Measure(o, s, radius, HealpixCandidateFinder.Instance, 1);
    }

    var (o2, s2) = Generate(2_000, seed: 2);
    Measure(o2, s2, radius, BruteForceCandidateFinder.Instance, 1);
}

static (double FindAndFilter, double Total, int Pairs) Measure(Catalog objects, Catalog sources, double radius, ICandidateFinder finder, int runs)
{
    var findAndFilter = new List<double>();
    var total = new List<double>();
    var pairs = 0;
    for (var r = 0; r < runs; r++)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var result = Associator.AssociateAsync(objects, sources, radius, AssociationMode.Greedy, finder).AsTask().GetAwaiter().GetResult();
        findAndFilter.Add(result.Timings.FindSeconds + result.Timings.FilterSeconds);
        total.Add(result.Timings.MatchSeconds);
        pairs = result.PairCount;
    }

    return (Median(findAndFilter), Median(total), pairs);
}

static double Median(List<double> values)
{
    values.Sort();
    var m = values.Count / 2;
    return values.Count % 2 == 1 ? values[m] : 0.5 * (values[m - 1] + values[m]);
}

// The shared generator (also used by `apdb bench association`): objects at 1e5 per deg^2, sources = perturbed
// objects + 30% new ones, shuffled.
static (Catalog Objects, Catalog Sources) Generate(int n, int seed) => SyntheticCatalogs.Generate(n, seed);

static void WriteBinary(string path, Catalog c)
{
    using var w = new BinaryWriter(File.Create(path));
    w.Write((long)c.Count);
    foreach (var v in c.RaDeg)
    {
        w.Write(v);
    }

    foreach (var v in c.DecDeg)
    {
        w.Write(v);
    }
}

static (double Seconds, int Pairs) RunScipy(string python, string script, string objects, string sources, double radius, int runs)
{
    var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    info.ArgumentList.Add(script);
    info.ArgumentList.Add(objects);
    info.ArgumentList.Add(sources);
    info.ArgumentList.Add(radius.ToString("R", CultureInfo.InvariantCulture));
    info.ArgumentList.Add(runs.ToString(CultureInfo.InvariantCulture));

    // One core for the peer too: BLAS/OpenMP threads off.
    info.Environment["OMP_NUM_THREADS"] = "1";
    info.Environment["OPENBLAS_NUM_THREADS"] = "1";
    using var p = Process.Start(info)!;
    var stdout = p.StandardOutput.ReadToEnd();
    var stderr = p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0)
    {
        throw new InvalidOperationException($"{python} {script} failed: {stderr}");
    }

    var json = JsonNode.Parse(stdout)!;
    return (json["seconds"]!.GetValue<double>(), json["pairs"]!.GetValue<int>());
}

static void WriteResults(string dir, Options options, List<Point> points)
{
    var csv = new StringBuilder("n,objects,sources,pairs,scipyPairs,bruteSeconds,memorySeconds,memoryWithResolveSeconds,scipySeconds,scipyOverMemory\n");
    foreach (var p in points)
    {
        csv.Append(CultureInfo.InvariantCulture,
            $"{p.N},{p.Objects},{p.Sources},{p.Pairs},{p.ScipyPairs},{(p.BruteSeconds is { } b ? b.ToString("R", CultureInfo.InvariantCulture) : "")},{p.MemorySeconds:R},{p.MemoryWithResolveSeconds:R},{p.ScipySeconds:R},{p.ScipySeconds / p.MemorySeconds:R}\n");
    }

    File.WriteAllText(Path.Combine(dir, "association-harness.csv"), csv.ToString());
    var slopes = new JsonObject
    {
        ["brute"] = Slope(points.Where(p => p.BruteSeconds is not null).Select(p => (p.N, p.BruteSeconds!.Value))),
        ["memory"] = Slope(points.Select(p => (p.N, p.MemorySeconds))),
        ["scipy"] = Slope(points.Select(p => (p.N, p.ScipySeconds))),
    };
    var json = new JsonObject
    {
        ["radiusArcsec"] = options.Radius,
        ["runs"] = options.Runs,
        ["timing"] = "median of runs; memory/brute = candidate search + exact filter (exact pairs), scipy = cKDTree build + query_ball_point; one thread each",
        ["slopes"] = slopes,
        ["points"] = new JsonArray([.. points.Select(p => (JsonNode)new JsonObject
        {
            ["n"] = p.N,
            ["objects"] = p.Objects,
            ["sources"] = p.Sources,
            ["pairs"] = p.Pairs,
            ["scipyPairs"] = p.ScipyPairs,
            ["bruteSeconds"] = p.BruteSeconds,
            ["memorySeconds"] = p.MemorySeconds,
            ["memoryWithResolveSeconds"] = p.MemoryWithResolveSeconds,
            ["scipySeconds"] = p.ScipySeconds,
            ["scipyOverMemory"] = p.ScipySeconds / p.MemorySeconds,
        })]),
    };
    File.WriteAllText(Path.Combine(dir, "association-harness.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine(json["slopes"]!.ToJsonString());
}

static double? Slope(IEnumerable<(long N, double Seconds)> data)
{
    var xs = data.Select(d => Math.Log10(d.N)).ToArray();
    var ys = data.Select(d => Math.Log10(d.Seconds)).ToArray();
    if (xs.Length < 2)
    {
        return null;
    }

    var mx = xs.Average();
    var my = ys.Average();
    var num = xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum();
    var den = xs.Sum(x => (x - mx) * (x - mx));
    return num / den;
}

internal sealed record Point(long N, int Objects, int Sources, int Pairs, int ScipyPairs, double? BruteSeconds, double MemorySeconds, double MemoryWithResolveSeconds, double ScipySeconds);

internal sealed record Options(long[] Sizes, double Radius, int Runs, string Python, string OutDir)
{
    public static Options Parse(string[] args)
    {
        var sizes = new long[] { 1_000, 10_000, 100_000, 1_000_000 };
        var radius = 1.0;
        var runs = 5;
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var outDir = "benchmarks/association/results";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sizes": sizes = args[++i].Split(',').Select(s => (long)double.Parse(s, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--radius": radius = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--python": python = args[++i]; break;
                case "--out": outDir = args[++i]; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        return new Options(sizes, radius, runs, python, outDir);
    }
}
