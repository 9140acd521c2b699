namespace Apdb.Frontend.Calibration;

/// <summary>Small dense least-squares and symmetric positive-definite solves (normal equations, Cholesky).</summary>
internal static class LeastSquares
{
    /// <summary>Solves min sum_r weight_r (A c - b)_r^2 through the normal equations (unit weights when null).</summary>
    public static double[] Solve(double[,] a, double[] b, double[]? weights = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var n = a.GetLength(0);
        var m = a.GetLength(1);
        var ata = new double[m, m];
        var atb = new double[m];
        for (var r = 0; r < n; r++)
        {
            var wr = weights?[r] ?? 1.0;
            for (var i = 0; i < m; i++)
            {
                var ai = a[r, i] * wr;
                atb[i] += ai * b[r];
                for (var j = 0; j <= i; j++)
                {
                    ata[i, j] += ai * a[r, j];
                }
            }
        }

        for (var i = 0; i < m; i++)
        {
            for (var j = i + 1; j < m; j++)
            {
                ata[i, j] = ata[j, i];
            }
        }

        return SolveSymmetric(ata, atb);
    }

    /// <summary>
    /// Solves M x = v for a symmetric positive semi-definite M by Cholesky, with a ridge of 1e-12 of the diagonal's mean
    /// so degenerate directions come out zero instead of infinite.
    /// </summary>
    public static double[] SolveSymmetric(double[,] matrix, double[] v)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(v);
        var m = v.Length;
        var l = new double[m, m];
        double trace = 0;
        for (var i = 0; i < m; i++)
        {
            trace += matrix[i, i];
        }

        var ridge = Math.Max(trace / Math.Max(m, 1) * 1e-12, 1e-300);
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                var s = matrix[i, j] + (i == j ? ridge : 0);
                for (var k = 0; k < j; k++)
                {
                    s -= l[i, k] * l[j, k];
                }

                if (i == j)
                {
                    l[i, i] = s > 0 ? Math.Sqrt(s) : 1e-150;
                }
                else
                {
                    l[i, j] = s / l[j, j];
                }
            }
        }

        var y = new double[m];
        for (var i = 0; i < m; i++)
        {
            var s = v[i];
            for (var k = 0; k < i; k++)
            {
                s -= l[i, k] * y[k];
            }

            y[i] = s / l[i, i];
        }

        var x = new double[m];
        for (var i = m - 1; i >= 0; i--)
        {
            var s = y[i];
            for (var k = i + 1; k < m; k++)
            {
                s -= l[k, i] * x[k];
            }

            x[i] = s / l[i, i];
        }

        return x;
    }
}
