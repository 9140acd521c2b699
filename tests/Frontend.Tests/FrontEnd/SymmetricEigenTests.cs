using Apdb.Frontend.Calibration;

namespace Apdb.Frontend.Tests.FrontEnd;

public sealed class SymmetricEigenTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(9)]
    [InlineData(40)]
    public void Decomposition_reconstructs_the_matrix_with_orthonormal_vectors(int n)
    {
        var random = new Random(n);
        var a = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                a[i, j] = a[j, i] = random.NextDouble() - 0.5;
            }
        }

        var (values, vectors) = SymmetricEigen.Decompose(a);
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                double reconstructed = 0;
                double dot = 0;
                for (var e = 0; e < n; e++)
                {
                    reconstructed += vectors[i, e] * values[e] * vectors[j, e];
                    dot += vectors[e, i] * vectors[e, j];
                }

                Assert.Equal(a[i, j], reconstructed, 9);
                Assert.Equal(i == j ? 1.0 : 0.0, dot, 9);
            }
        }
    }

    [Fact]
    public void Eigenvalues_of_a_known_matrix()
    {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
        var (values, _) = SymmetricEigen.Decompose(new double[,] { { 2, 1 }, { 1, 2 } });
        Assert.Equal([1.0, 3.0], values.Order().Select(v => Math.Round(v, 12)));
    }
}
