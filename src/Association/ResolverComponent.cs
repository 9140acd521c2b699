namespace Apdb.Association;

/// <summary>One connected component of the candidate graph with more than one source, as a sparse assignment problem.</summary>
internal readonly ref struct ResolverComponent
{
    private readonly ReadOnlySpan<int> _rows;
    private readonly int _columnCount;
    private readonly ExactPairs _pairs;
    private readonly int[] _firstPair;
    private readonly int[] _localObject;

    /// <param name="rows">The component's source rows, in row order.</param>
    /// <param name="columnCount">The number of its objects (numbered in row order by <paramref name="localObject"/>).</param>
    /// <param name="pairs">All pairs, sorted by source row.</param>
    /// <param name="firstPair">Each source's pair range.</param>
    /// <param name="localObject">Each object's column inside its component.</param>
    public ResolverComponent(ReadOnlySpan<int> rows, int columnCount, ExactPairs pairs, int[] firstPair, int[] localObject)
    {
        _rows = rows;
        _columnCount = columnCount;
        _pairs = pairs;
        _firstPair = firstPair;
        _localObject = localObject;
    }

    /// <summary>Solves the component and writes each matched source's pair into <paramref name="sourcePair"/>.</summary>
    public void Solve(SparseAssignment solver, double[] score, double noMatchCost, int[] sourcePair)
    {
        var rows = _rows;
        var edgeStart = new int[rows.Length + 1];
        for (var r = 0; r < rows.Length; r++)
        {
            edgeStart[r + 1] = edgeStart[r] + (_firstPair[rows[r] + 1] - _firstPair[rows[r]]);
        }

        var edgeCol = new int[edgeStart[rows.Length]];
        var edgeCost = new double[edgeCol.Length];
        var noMatch = new double[rows.Length];
        Array.Fill(noMatch, noMatchCost);
        for (var r = 0; r < rows.Length; r++)
        {
            var e = edgeStart[r];
            for (var p = _firstPair[rows[r]]; p < _firstPair[rows[r] + 1]; p++, e++)
            {
                edgeCol[e] = _localObject[_pairs.Objects[p]];
                edgeCost[e] = score[p];
            }
        }

        var rowMatch = solver.Solve(rows.Length, _columnCount, edgeStart, edgeCol, edgeCost, noMatch);
        for (var r = 0; r < rows.Length; r++)
        {
            var col = rowMatch[r];
            if (col < 0)
            {
                continue;
            }

            var s = rows[r];
            for (var p = _firstPair[s]; p < _firstPair[s + 1]; p++)
            {
                if (_localObject[_pairs.Objects[p]] == col)
                {
                    sourcePair[s] = p;
                    break;
                }
            }
        }
    }
}
