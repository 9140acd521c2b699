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
        var n = pairs.Count;
        var sourcePair = new int[ns];
        Array.Fill(sourcePair, -1);
        if (n == 0)
        {
            return sourcePair;
        }

        // Scores, and each source's pair range (pairs are sorted by source row).
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

        var noMatchCost = MatchScore.NoMatchCost(likelihood, maxScore, radiusArcsec);

        var firstPair = new int[ns + 1];
        for (var p = 0; p < n; p++)
        {
            firstPair[pairs.Sources[p] + 1]++;
        }

        for (var s = 0; s < ns; s++)
        {
            firstPair[s + 1] += firstPair[s];
        }

        // Connected components over nodes: sources 0..ns-1, objects ns..ns+no-1.
        var parent = new int[ns + no];
        for (var i = 0; i < parent.Length; i++)
        {
            parent[i] = i;
        }

        for (var p = 0; p < n; p++)
        {
            Union(parent, pairs.Sources[p], ns + pairs.Objects[p]);
        }

        // Number components by their first source row; list their sources and objects in row order (counting sort).
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

            var root = Find(parent, s);
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
            var o = pairs.Objects[p];
            objectComponent[o] = sourceComponent[pairs.Sources[p]];
        }

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
            var colCount = objectStart[c + 1] - objectStart[c];
            if (rows.Length == 1)
            {
                // One source: the no-match cost is above every candidate, so it takes its best (first on ties).
                var s = rows[0];
                var best = firstPair[s];
                for (var p = best + 1; p < firstPair[s + 1]; p++)
                {
                    if (score[p] < score[best])
                    {
                        best = p;
                    }
                }

                sourcePair[s] = best;
                continue;
            }

            var edgeStart = new int[rows.Length + 1];
            for (var r = 0; r < rows.Length; r++)
            {
                edgeStart[r + 1] = edgeStart[r] + (firstPair[rows[r] + 1] - firstPair[rows[r]]);
            }

            var edgeCol = new int[edgeStart[rows.Length]];
            var edgeCost = new double[edgeCol.Length];
            var noMatch = new double[rows.Length];
            Array.Fill(noMatch, noMatchCost);
            for (var r = 0; r < rows.Length; r++)
            {
                var e = edgeStart[r];
                for (var p = firstPair[rows[r]]; p < firstPair[rows[r] + 1]; p++, e++)
                {
                    edgeCol[e] = localObject[pairs.Objects[p]];
                    edgeCost[e] = score[p];
                }
            }

            var rowMatch = solver.Solve(rows.Length, colCount, edgeStart, edgeCol, edgeCost, noMatch);
            for (var r = 0; r < rows.Length; r++)
            {
                var col = rowMatch[r];
                if (col < 0)
                {
                    continue;
                }

                var s = rows[r];
                for (var p = firstPair[s]; p < firstPair[s + 1]; p++)
                {
                    if (localObject[pairs.Objects[p]] == col)
                    {
                        sourcePair[s] = p;
                        break;
                    }
                }
            }
        }

        return sourcePair;
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

    private static int Find(int[] parent, int i)
    {
        while (parent[i] != i)
        {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }

        return i;
    }

    private static void Union(int[] parent, int a, int b)
    {
        var ra = Find(parent, a);
        var rb = Find(parent, b);
        if (ra != rb)
        {
            // The lower node becomes the root, which keeps roots deterministic.
            if (ra < rb)
            {
                parent[rb] = ra;
            }
            else
            {
                parent[ra] = rb;
            }
        }
    }
}
