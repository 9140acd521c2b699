namespace Apdb.Association.Tests;

/// <summary>Straightforward, slow re-statements of the contract's rules, for comparison.</summary>
internal static class NaiveAssociation
{
    public sealed record Pair(int S, int O, long SourceId, long ObjectId, double Chord2);

    public static List<Pair> Pairs(Catalog objects, Catalog sources, double radiusArcsec)
    {
        var limit = ChordMetric.LimitForRadiusArcsec(radiusArcsec);
        var pairs = new List<Pair>();
        for (var s = 0; s < sources.Count; s++)
        {
            for (var o = 0; o < objects.Count; o++)
            {
                var d2 = ChordMetric.ChordSquared(objects, o, sources, s);
                if (d2 <= limit)
                {
                    pairs.Add(new Pair(s, o, sources.Ids[s], objects.Ids[o], d2));
                }
            }
        }

        return pairs;
    }

    public static long?[] Greedy(Catalog objects, Catalog sources, double radiusArcsec)
    {
        var result = new long?[sources.Count];
        var taken = new HashSet<int>();
        foreach (var p in Pairs(objects, sources, radiusArcsec).OrderBy(p => p.Chord2).ThenBy(p => p.SourceId).ThenBy(p => p.ObjectId))
        {
            if (result[p.S] is null && taken.Add(p.O))
            {
                result[p.S] = p.ObjectId;
            }
        }

        return result;
    }

    public static long?[] Nearest(Catalog objects, Catalog sources, double radiusArcsec)
    {
        var result = new long?[sources.Count];
        var taken = new HashSet<int>();
        var nearest = Pairs(objects, sources, radiusArcsec)
            .GroupBy(p => p.S)
            .Select(g => g.OrderBy(p => p.Chord2).ThenBy(p => p.ObjectId).First())
            .OrderBy(p => p.Chord2).ThenBy(p => p.SourceId);
        foreach (var p in nearest)
        {
            if (taken.Add(p.O))
            {
                result[p.S] = p.ObjectId;
            }
        }

        return result;
    }

    /// <summary>
    /// Total optimal-mode cost of an assignment (objectId per source; null = no match), restating ap_association's rule:
    /// one no-match cost for every source, 1.01 x radius (radians) with chord scores, the largest score + 1 with
    /// likelihood scores.
    /// </summary>
    public static double Cost(Catalog objects, Catalog sources, double radiusArcsec, IReadOnlyList<long?> assignment)
    {
        var pairs = Pairs(objects, sources, radiusArcsec);
        var likelihood = MatchScore.UsesLikelihood(objects, sources);
        double Score(Pair p) => likelihood ? MatchScore.GaussianScore(objects, p.O, sources, p.S) : Math.Sqrt(p.Chord2);
        var noMatch = likelihood
            ? (pairs.Count == 0 ? 0.0 : pairs.Max(Score)) + 1.0
            : 1.01 * radiusArcsec / 206264.80624709636;
        var total = 0.0;
        for (var s = 0; s < sources.Count; s++)
        {
            var mine = pairs.Where(p => p.S == s).ToList();
            if (mine.Count == 0)
            {
                // No candidate: the source takes its ghost column, as in ap_association's full matching.
                Assert.Null(assignment[s]);
                total += noMatch;
                continue;
            }

            total += assignment[s] is { } id ? Score(mine.Single(p => p.ObjectId == id)) : noMatch;
        }

        return total;
    }

    /// <summary>Exhaustive minimum total cost over all one-to-one assignments (tiny inputs only).</summary>
    public static double ExhaustiveOptimalCost(Catalog objects, Catalog sources, double radiusArcsec)
    {
        var pairs = Pairs(objects, sources, radiusArcsec);
        var options = new List<long?>[sources.Count];
        for (var s = 0; s < sources.Count; s++)
        {
            options[s] = [null, .. pairs.Where(p => p.S == s).Select(p => (long?)p.ObjectId)];
        }

        var best = double.PositiveInfinity;
        var current = new long?[sources.Count];
        var used = new HashSet<long>();
        Recurse(0);
        return best;

        void Recurse(int s)
        {
            if (s == sources.Count)
            {
                best = Math.Min(best, Cost(objects, sources, radiusArcsec, current));
                return;
            }

            foreach (var o in options[s])
            {
                if (o is { } id && !used.Add(id))
                {
                    continue;
                }

                current[s] = o;
                Recurse(s + 1);
                if (o is { } id2)
                {
                    used.Remove(id2);
                }
            }

            current[s] = null;
        }
    }
}
