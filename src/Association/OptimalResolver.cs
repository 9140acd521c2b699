using Apdb.Sky;

namespace Apdb.Association;

/// <summary>
/// Minimum total score one-to-one matching in which every source may instead take a "no match" option at one global
/// cost (<see cref="MatchScore.NoMatchCost"/>), as ap_association's matcher does with one ghost column per source;
/// solved exactly per connected component of the candidate graph.
/// </summary>
/// <remarks>
/// Determinism: pairs arrive sorted by (source row, object row); components are solved in order of their first source
/// row; inside a component, sources are added in row order and objects are numbered in row order. Among optimal
/// solutions of equal cost, the one found is fixed by that order and by Dijkstra popping the lowest
/// (reduced distance, column) first, so the answer depends only on the set of pairs, never on the strategy.
/// </remarks>
internal static class OptimalResolver
{
    public static int[] Resolve(Catalog objects, Catalog sources, ExactPairs pairs, double radiusArcsec, CancellationToken cancellationToken)
    {
        var ns = sources.Count;
        var no = objects.Count;
        var sourcePair = new int[ns];
        Array.Fill(sourcePair, -1);
        if (pairs.Count == 0)
        {
            return sourcePair;
        }

        var (score, noMatchCost) = Scores(objects, sources, pairs, radiusArcsec);
        var firstPair = FirstPairs(pairs, ns);
        var (sourceComponent, objectComponent, componentCount) = Components(pairs, ns, no, firstPair);
        var (sourceStart, sourceList) = GroupBy(sourceComponent, componentCount);
        var (objectStart, objectList) = GroupBy(objectComponent, componentCount);
        var localObject = new int[no];
        for (var c = 0; c < componentCount; c++)
        {
            for (var k = objectStart[c]; k < objectStart[c + 1]; k++)
            {
                localObject[objectList[k]] = k - objectStart[c];
            }
        }

        var solver = new SparseAssignment();
        for (var c = 0; c < componentCount; c++)
        {
            if ((c & 1023) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var rows = sourceList.AsSpan(sourceStart[c], sourceStart[c + 1] - sourceStart[c]);
            if (rows.Length == 1)
            {
                // One source: the no-match cost is above every candidate, so it takes its best (first on ties).
                sourcePair[rows[0]] = BestPair(score, firstPair[rows[0]], firstPair[rows[0] + 1]);
                continue;
            }

            var component = new ResolverComponent(rows, objectStart[c + 1] - objectStart[c], pairs, firstPair, localObject);
            component.Solve(solver, score, noMatchCost, sourcePair);
        }

        return sourcePair;
    }

    /// <summary>The score of each pair (Gaussian likelihood when both catalogs carry errors, else chord) and the no-match cost.</summary>
    private static (double[] Score, double NoMatchCost) Scores(Catalog objects, Catalog sources, ExactPairs pairs, double radiusArcsec)
    {
        var n = pairs.Count;
        var likelihood = MatchScore.UsesLikelihood(objects, sources);
        var score = new double[n];
        for (var p = 0; p < n; p++)
        {
            score[p] = likelihood
                ? MatchScore.GaussianScore(objects, pairs.Objects[p], sources, pairs.Sources[p])
                : MatchScore.ChordScore(pairs.ChordSquared[p]);
        }

        var maxScore = double.NegativeInfinity;
        foreach (var v in score)
        {
            maxScore = Math.Max(maxScore, v);
        }

        return (score, MatchScore.NoMatchCost(likelihood, maxScore, radiusArcsec));
    }

    /// <summary>Each source's pair range [firstPair[s], firstPair[s + 1]) (pairs are sorted by source row).</summary>
    private static int[] FirstPairs(ExactPairs pairs, int ns)
    {
        var firstPair = new int[ns + 1];
        for (var p = 0; p < pairs.Count; p++)
        {
            firstPair[pairs.Sources[p] + 1]++;
        }

        for (var s = 0; s < ns; s++)
        {
            firstPair[s + 1] += firstPair[s];
        }

        return firstPair;
    }

    /// <summary>
    /// Connected components of the candidate graph (nodes: sources 0..ns-1, objects ns..ns+no-1), numbered by their
    /// first source row; the component of each source and object, -1 for those without a candidate.
    /// </summary>
    private static (int[] Sources, int[] Objects, int Count) Components(ExactPairs pairs, int ns, int no, int[] firstPair)
    {
        var n = pairs.Count;
        var sets = new DisjointSets(ns + no);

        for (var p = 0; p < n; p++)
        {
            sets.Union(pairs.Sources[p], ns + pairs.Objects[p]);
        }

        var componentOf = new int[ns + no];
        Array.Fill(componentOf, -1);
        var componentCount = 0;
        var sourceComponent = new int[ns];
        for (var s = 0; s < ns; s++)
        {
            sourceComponent[s] = -1;
            if (firstPair[s] == firstPair[s + 1])
            {
                continue;
            }

            var root = sets.Find(s);
            if (componentOf[root] < 0)
            {
                componentOf[root] = componentCount++;
            }

            sourceComponent[s] = componentOf[root];
        }

        var objectComponent = new int[no];
        Array.Fill(objectComponent, -1);
        for (var p = 0; p < n; p++)
        {
            objectComponent[pairs.Objects[p]] = sourceComponent[pairs.Sources[p]];
        }

        return (sourceComponent, objectComponent, componentCount);
    }

    /// <summary>The lowest-score pair in [first, end), the first one on ties.</summary>
    private static int BestPair(double[] score, int first, int end)
    {
        var best = first;
        for (var p = first + 1; p < end; p++)
        {
            if (score[p] < score[best])
            {
                best = p;
            }
        }

        return best;
    }

    /// <summary>Stable counting sort of the indices with a group in [0, groups); -1 entries are left out.</summary>
    private static (int[] Start, int[] Items) GroupBy(int[] group, int groups)
    {
        var start = new int[groups + 1];
        foreach (var g in group)
        {
            if (g >= 0)
            {
                start[g + 1]++;
            }
        }

        for (var g = 0; g < groups; g++)
        {
            start[g + 1] += start[g];
        }

        var items = new int[start[groups]];
        var fill = start.AsSpan(0, groups).ToArray();
        for (var i = 0; i < group.Length; i++)
        {
            if (group[i] >= 0)
            {
                items[fill[group[i]]++] = i;
            }
        }

        return (start, items);
    }
}
