namespace Apdb.Association;

/// <summary>
/// Exact minimum-cost assignment of rows to columns on a sparse cost graph where every row also has a private
/// "no match" column: successive shortest augmenting paths (Dijkstra on reduced costs with row and column potentials).
/// Each augmentation touches only the part of the graph it reaches, so a component of 1000 sources on one object
/// costs about 1000 tiny searches.
/// </summary>
internal sealed class SparseAssignment
{
    private int[] _stamp = [];
    private double[] _dist = [];
    private int[] _predRow = [];
    private int[] _colMatch = [];
    private double[] _v = [];
    private int[] _finalized = [];
    private readonly PriorityQueue<int, (double Distance, int Column)> _queue = new();

    /// <summary>
    /// Solves the assignment. Columns 0..objectCount-1 are objects; row r's no-match column is objectCount + r.
    /// </summary>
    /// <returns>For each row its object column, or -1 when the row takes its no-match option.</returns>
    public int[] Solve(int rowCount, int objectCount, int[] edgeStart, int[] edgeCol, double[] edgeCost, double[] noMatchCost)
    {
        var colCount = objectCount + rowCount;
        EnsureCapacity(colCount);
        var u = new double[rowCount];
        var rowMatch = new int[rowCount];
        Array.Fill(rowMatch, -1);
        Array.Fill(_colMatch, -1, 0, colCount);
        Array.Clear(_v, 0, colCount);
        Array.Clear(_stamp, 0, colCount);
        var stamp = 0;

        for (var r = 0; r < rowCount; r++)
        {
            // A new row may take any potential that keeps its reduced costs non-negative.
            var ur = noMatchCost[r] - _v[objectCount + r];
            for (var e = edgeStart[r]; e < edgeStart[r + 1]; e++)
            {
                ur = Math.Min(ur, edgeCost[e] - _v[edgeCol[e]]);
            }

            u[r] = ur;
            stamp++;
            _queue.Clear();
            var finalizedCount = 0;
            Relax(r, 0.0, objectCount, edgeStart, edgeCol, edgeCost, noMatchCost, u, stamp);
            var end = -1;
            double endDist = 0;
            while (_queue.TryDequeue(out var col, out var key))
            {
                // Entries are stamp-marked when reached; a negative stamp marks a finalized column.
                if (_stamp[col] == -stamp || key.Distance > _dist[col])
                {
                    continue;
                }

                _stamp[col] = -stamp;
                _finalized[finalizedCount++] = col;
                var row = _colMatch[col];
                if (row < 0)
                {
                    end = col;
                    endDist = key.Distance;
                    break;
                }

                Relax(row, key.Distance, objectCount, edgeStart, edgeCol, edgeCost, noMatchCost, u, stamp);
            }

            // Every row has a free private column, so a path always exists.
            // Potentials: shift the reached part by (dist - endDist); the rest moves uniformly, which changes nothing.
            u[r] += endDist;
            for (var k = 0; k < finalizedCount; k++)
            {
                var col = _finalized[k];
                var delta = _dist[col] - endDist;
                _v[col] += delta;
                var row = _colMatch[col];
                if (row >= 0)
                {
                    u[row] -= delta;
                }
            }

            // Augment along the predecessor chain.
            var j = end;
            while (true)
            {
                var i = _predRow[j];
                var previous = rowMatch[i];
                rowMatch[i] = j;
                _colMatch[j] = i;
                if (i == r)
                {
                    break;
                }

                j = previous;
            }
        }

        for (var r = 0; r < rowCount; r++)
        {
            if (rowMatch[r] >= objectCount)
            {
                rowMatch[r] = -1;
            }
        }

        return rowMatch;
    }

    private void Relax(int row, double baseDist, int objectCount, int[] edgeStart, int[] edgeCol, double[] edgeCost, double[] noMatchCost, double[] u, int stamp)
    {
        for (var e = edgeStart[row]; e < edgeStart[row + 1]; e++)
        {
            Reach(edgeCol[e], baseDist + Math.Max(0.0, edgeCost[e] - u[row] - _v[edgeCol[e]]), row, stamp);
        }

        var dummy = objectCount + row;
        Reach(dummy, baseDist + Math.Max(0.0, noMatchCost[row] - u[row] - _v[dummy]), row, stamp);
    }

    private void Reach(int col, double d, int row, int stamp)
    {
        if (_stamp[col] == -stamp)
        {
            return;
        }

        if (_stamp[col] != stamp || d < _dist[col])
        {
            _stamp[col] = stamp;
            _dist[col] = d;
            _predRow[col] = row;
            _queue.Enqueue(col, (d, col));
        }
    }

    private void EnsureCapacity(int colCount)
    {
        if (_stamp.Length < colCount)
        {
            _stamp = new int[colCount];
            _dist = new double[colCount];
            _predRow = new int[colCount];
            _colMatch = new int[colCount];
            _v = new double[colCount];
            _finalized = new int[colCount];
        }
    }
}
