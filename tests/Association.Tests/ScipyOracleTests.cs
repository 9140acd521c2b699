using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Apdb.Association.Tests;

/// <summary>
/// Compares our matches with what Rubin's ap_association does in Python: a scipy cKDTree on object unit vectors,
/// query_ball_point with the chord radius, and for <c>optimal</c> scipy's min_weight_full_bipartite_matching on the
/// sparse score matrix with one "ghost" column per source at one global no-match cost, the scores written here
/// independently of our code.
/// </summary>
public sealed class ScipyOracleTests : IDisposable
{
    private const string Script = """
        import json, sys
        import numpy as np
        from scipy.spatial import cKDTree
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import min_weight_full_bipartite_matching

        def load(path):
            a = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
            ids = a[:, 0].astype(np.int64)
            ra, dec = np.radians(a[:, 1]), np.radians(a[:, 2])
            v = np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)], axis=1)
            err = a[:, 3:5] if a.shape[1] >= 5 else None
            return ids, a[:, 1], a[:, 2], v, err

        oid, ora, odec, ov, oerr = load(sys.argv[1])
        sid, sra, sdec, sv, serr = load(sys.argv[2])
        radius = float(sys.argv[3]); mode = sys.argv[4]
        chord = 2.0 * np.sin(np.radians(radius / 3600.0) / 2.0)
        tree = cKDTree(ov)
        lists = tree.query_ball_point(sv, r=chord)
        pairs = [(s, o, float(np.linalg.norm(sv[s] - ov[o]))) for s, cand in enumerate(lists) for o in cand]
        result = [None] * len(sid)
        taken = set()
        if mode == "greedy":
            for s, o, d in sorted(pairs, key=lambda p: (p[2], sid[p[0]], oid[p[1]])):
                if result[s] is None and o not in taken:
                    result[s] = int(oid[o]); taken.add(o)
        elif mode == "nearest":
            best = {}
            for s, o, d in pairs:
                if s not in best or (d, oid[o]) < (best[s][2], oid[best[s][1]]):
                    best[s] = (s, o, d)
            for s, o, d in sorted(best.values(), key=lambda p: (p[2], sid[p[0]])):
                if o not in taken:
                    result[s] = int(oid[o]); taken.add(o)
        else:
            # ap_association (association.py, 2026). Scores: chord, or with usable errors on both sides the Gaussian NLL
            # in arcsec. dRA is the angle cos(dec_s) sin(ra_s - ra_o) (our documented choice), or with mode
            # "optimal-raw-ra" ap_association's raw RA difference.
            def usable(err):
                return err is not None and bool(np.any(np.isfinite(err[:, 0]) & (err[:, 0] > 0))) and bool(np.any(np.isfinite(err[:, 1]) & (err[:, 1] > 0)))
            use_err = usable(oerr) and usable(serr)
            ns, no = len(sid), len(oid)
            src = np.array([p[0] for p in pairs], dtype=np.int64); obj = np.array([p[1] for p in pairs], dtype=np.int64)
            if use_err:
                def err2(e):
                    a = e * 3600.0
                    return np.where(np.isfinite(a) & (a > 0), a * a, 0.2 ** 2)
                rs, ds = np.radians(sra[src]), np.radians(sdec[src]); ro, do = np.radians(ora[obj]), np.radians(odec[obj])
                if mode == "optimal-raw-ra":
                    dra = ((sra[src] - ora[obj] + 180.0) % 360.0 - 180.0) * 3600.0
                    ddec = (sdec[src] - odec[obj]) * 3600.0
                else:
                    dra = np.cos(ds) * np.sin(rs - ro) * 206264.80624709636
                    ddec = (np.sin(ds) * np.cos(do) - np.cos(ds) * np.sin(do) * np.cos(rs - ro)) * 206264.80624709636
                vr = np.maximum(err2(serr[src, 0]) + err2(oerr[obj, 0]), 0.05 ** 2)
                vd = np.maximum(err2(serr[src, 1]) + err2(oerr[obj, 1]), 0.05 ** 2)
                scores = 0.5 * (dra ** 2 / vr + ddec ** 2 / vd) + 0.5 * np.log(vr * vd)
                unmatched = float(scores.max()) + 1.0 if len(scores) else 0.0
            else:
                scores = np.array([p[2] for p in pairs])
                unmatched = 1.01 * np.radians(radius / 3600.0)
            rows = np.concatenate([src, np.arange(ns)])
            cols = np.concatenate([obj, no + np.arange(ns)])
            weights = np.concatenate([scores, np.full(ns, unmatched)])
            shifted = weights - weights.min() + 1.0
            m = csr_matrix((shifted, (rows, cols)), shape=(ns, no + ns))
            r, c = min_weight_full_bipartite_matching(m)
            cost = {(int(i), int(j)): w for i, j, w in zip(rows, cols, weights)}
            total = 0.0
            for i, j in zip(r, c):
                total += cost[(int(i), int(j))]
                if j < no:
                    result[i] = int(oid[j])
            print(json.dumps({"match": result, "cost": total}))
            sys.exit(0)
        print(json.dumps(result))
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("apdb-oracle-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteCatalog(string name, Catalog c)
    {
        var sb = new StringBuilder(c.HasErrors ? "id,ra,dec,raErr,decErr\n" : "id,ra,dec\n");
        for (var i = 0; i < c.Count; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{c.Ids[i]},{c.RaDeg[i]:R},{c.DecDeg[i]:R}");
            if (c.HasErrors)
            {
                sb.Append(CultureInfo.InvariantCulture, $",{(double.IsNaN(c.RaErrDeg[i]) ? "nan" : c.RaErrDeg[i].ToString("R", CultureInfo.InvariantCulture))},{(double.IsNaN(c.DecErrDeg[i]) ? "nan" : c.DecErrDeg[i].ToString("R", CultureInfo.InvariantCulture))}");
            }

            sb.Append('\n');
        }

        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private long?[] Oracle(Catalog objects, Catalog sources, double radius, AssociationMode mode)
    {
        var (code, stdout, stderr) = ScipyPeer.Run(Script, [WriteCatalog("o.csv", objects), WriteCatalog("s.csv", sources), radius.ToString("R", CultureInfo.InvariantCulture), mode.ToName()]);
        Assert.True(code == 0, stderr);
        return JsonSerializer.Deserialize<long?[]>(stdout)!;
    }

    [OracleFact]
    public async Task Greedy_and_nearest_match_scipy_cKDTree_on_a_crowded_field()
    {
        var (objects, sources) = TestCatalogs.Field(11, 2000, 0.01, -30, 0.02, 0.7, 0.4);
        foreach (var mode in new[] { AssociationMode.Greedy, AssociationMode.Nearest })
        {
            var ours = await Associator.AssociateAsync(objects, sources, 2.0, mode, HealpixCandidateFinder.Instance);
            var expected = Oracle(objects, sources, 2.0, mode);
            Assert.Equal(expected, ours.Matches.Select(m => m.ObjectId).ToArray());
            Assert.InRange(ours.MatchedCount, 1000, sources.Count - 1);
        }
    }

    private (long?[] Match, double Cost) OptimalOracle(Catalog objects, Catalog sources, double radius, string mode = "optimal")
    {
        var (code, stdout, stderr) = ScipyPeer.Run(Script, [WriteCatalog("o.csv", objects), WriteCatalog("s.csv", sources), radius.ToString("R", CultureInfo.InvariantCulture), mode]);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var match = doc.RootElement.GetProperty("match").EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (long?)null : e.GetInt64()).ToArray();
        return (match, doc.RootElement.GetProperty("cost").GetDouble());
    }

    /// <summary>The catalog with every <paramref name="every"/>-th RA (or Dec) error unknown, so the 0.2" fallback is used.</summary>
    private static Catalog WithSomeUnknownErrors(Catalog c, int every, bool ra)
    {
        var ids = c.Ids.ToArray();
        var raErr = c.RaErrDeg.ToArray();
        var decErr = c.DecErrDeg.ToArray();
        for (var i = 0; i < ids.Length; i += every)
        {
            (ra ? raErr : decErr)[i] = double.NaN;
        }

        return Catalog.FromArrays(ids, c.RaDeg.ToArray(), c.DecDeg.ToArray(), raErr, decErr, c.Label);
    }

    [OracleTheory]
    [InlineData(12, 80.0, 89.95)]
    [InlineData(14, 10.0, -40.0)]
    public async Task Optimal_with_chord_scores_equals_scipy_min_weight_full_bipartite_matching(int seed, double ra0, double dec0)
    {
        var (objects, sources) = TestCatalogs.Field(seed, 1500, ra0, dec0, 0.02, 0.7, 0.4);
        var ours = await Associator.AssociateAsync(objects, sources, 2.0, AssociationMode.Optimal, HealpixCandidateFinder.Instance);
        var ourMatch = ours.Matches.Select(m => m.ObjectId).ToArray();
        var (expected, cost) = OptimalOracle(objects, sources, 2.0);
        Assert.Equal(expected, ourMatch);
        Assert.Equal(cost, NaiveAssociation.Cost(objects, sources, 2.0, ourMatch), cost * 1e-12);
        var greedy = await Associator.AssociateAsync(objects, sources, 2.0, AssociationMode.Greedy, HealpixCandidateFinder.Instance);
        Assert.NotEqual(greedy.Matches.Select(m => m.ObjectId), ourMatch);
    }

    [OracleTheory]
    [InlineData(13, 200.0, 5.0)]
    [InlineData(15, 40.0, -45.0)]
    [InlineData(16, 300.0, 75.0)]
    [InlineData(17, 120.0, -82.0)]
    public async Task Optimal_with_likelihood_scores_equals_scipy_min_weight_full_bipartite_matching(int seed, double ra0, double dec0)
    {
        var (objects, sources) = TestCatalogs.Field(seed, 1500, ra0, dec0, 0.02, 0.7, 0.4, withErrors: true);
        objects = WithSomeUnknownErrors(objects, 5, ra: false);
        sources = WithSomeUnknownErrors(sources, 3, ra: true);
        var ours = await Associator.AssociateAsync(objects, sources, 2.0, AssociationMode.Optimal, BruteForceCandidateFinder.Instance);
        var ourMatch = ours.Matches.Select(m => m.ObjectId).ToArray();
        var (expected, cost) = OptimalOracle(objects, sources, 2.0);
        Assert.Equal(expected, ourMatch);
        Assert.Equal(cost, NaiveAssociation.Cost(objects, sources, 2.0, ourMatch), Math.Abs(cost) * 1e-9);
        Assert.Contains(ourMatch, m => m is null);
    }

    [OracleFact]
    public async Task At_dec_75_ap_associations_raw_RA_difference_matches_some_sources_differently()
    {
        var (objects, sources) = TestCatalogs.Field(16, 1500, 300.0, 75.0, 0.02, 0.7, 0.4, withErrors: true);
        var ours = (await Associator.AssociateAsync(objects, sources, 2.0, AssociationMode.Optimal, BruteForceCandidateFinder.Instance)).Matches.Select(m => m.ObjectId).ToArray();
        var (raw, _) = OptimalOracle(objects, sources, 2.0, "optimal-raw-ra");
        var differing = ours.Zip(raw).Count(p => p.First != p.Second);
        // With this seed, 228 of 1,828 sources; a tenth of that would still show the RA term is not a detail at 75 deg.
        Assert.InRange(differing, sources.Count / 80, sources.Count / 4);
    }
}
