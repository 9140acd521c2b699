using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Apdb.Association.Tests;

/// <summary>
/// Compares our matches with what Rubin's ap_association does in Python: a scipy cKDTree on object unit vectors,
/// query_ball_point with the chord radius, and scipy.optimize.linear_sum_assignment on the same score matrix with
/// one "no match" column per source.
/// </summary>
public sealed class ScipyOracleTests : IDisposable
{
    private const string Script = """
        import json, sys
        import numpy as np
        from scipy.spatial import cKDTree
        from scipy.optimize import linear_sum_assignment
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

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
            use_err = oerr is not None and serr is not None
            def sigma2(e):
                s = np.where(np.isnan(e), 0.2, np.maximum(e * 3600.0, 0.05))
                return s * s
            def score(s, o, d):
                if not use_err:
                    return d
                a, b = np.radians(ora[o]), np.radians(odec[o])
                east = np.array([-np.sin(a), np.cos(a), 0.0]); north = np.array([-np.sin(b) * np.cos(a), -np.sin(b) * np.sin(a), np.cos(b)])
                x = sv[s].dot(east) * 206264.80624709636; y = sv[s].dot(north) * 206264.80624709636
                vr = sigma2(oerr[o, 0]) + sigma2(serr[s, 0]); vd = sigma2(oerr[o, 1]) + sigma2(serr[s, 1])
                return 0.5 * (x * x / vr + y * y / vd) + 0.5 * np.log(vr * vd)
            scored = [(s, o, score(s, o, d)) for s, o, d in pairs]
            top = max((c for _, _, c in scored), default=0.0)
            worst = {}
            for s, o, c in scored:
                worst[s] = max(worst.get(s, -np.inf), c)
            nomatch = {s: w + 1e-3 * (top - w) + 1e-12 * (1 + abs(w)) for s, w in worst.items()}
            ns, no = len(sid), len(oid)
            if scored:
                g = coo_matrix((np.ones(len(scored)), ([p[0] for p in scored], [ns + p[1] for p in scored])), shape=(ns + no, ns + no))
                ncomp, label = connected_components(g, directed=False)
                by_comp = {}
                for p in scored:
                    by_comp.setdefault(label[p[0]], []).append(p)
                for comp, cp in by_comp.items():
                    rows = sorted({s for s, _, _ in cp})
                    cols = sorted({o for _, o, _ in cp})
                    ri = {s: i for i, s in enumerate(rows)}; ci = {o: j for j, o in enumerate(cols)}
                    big = 1e9
                    m = np.full((len(rows), len(cols) + len(rows)), big)
                    for s, o, c in cp:
                        m[ri[s], ci[o]] = c
                    for s in rows:
                        m[ri[s], len(cols) + ri[s]] = nomatch[s]
                    r, c = linear_sum_assignment(m)
                    for i, j in zip(r, c):
                        if j < len(cols):
                            result[rows[i]] = int(oid[cols[j]])
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

    [OracleFact]
    public async Task Optimal_matches_scipy_linear_sum_assignment_with_chord_scores()
    {
        var (objects, sources) = TestCatalogs.Field(12, 1500, 80, 89.95, 0.02, 0.7, 0.4);
        var ours = await Associator.AssociateAsync(objects, sources, 2.0, AssociationMode.Optimal, HealpixCandidateFinder.Instance);
        var expected = Oracle(objects, sources, 2.0, AssociationMode.Optimal);
        Assert.Equal(expected, ours.Matches.Select(m => m.ObjectId).ToArray());
        var greedy = await Associator.AssociateAsync(objects, sources, 2.0, AssociationMode.Greedy, HealpixCandidateFinder.Instance);
        Assert.NotEqual(greedy.Matches.Select(m => m.ObjectId), ours.Matches.Select(m => m.ObjectId));
    }

    [OracleFact]
    public async Task Optimal_matches_scipy_linear_sum_assignment_with_gaussian_scores()
    {
        var (objects, sources) = TestCatalogs.Field(13, 1500, 200, 5, 0.02, 0.7, 0.4, withErrors: true);
        var ours = await Associator.AssociateAsync(objects, sources, 2.0, AssociationMode.Optimal, BruteForceCandidateFinder.Instance);
        var expected = Oracle(objects, sources, 2.0, AssociationMode.Optimal);
        Assert.Equal(expected, ours.Matches.Select(m => m.ObjectId).ToArray());
    }
}
