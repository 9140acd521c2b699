namespace Apdb.ForcedPhot.Tests;

public sealed class BlendGroupTests
{
    [Fact]
    public void Groups_are_the_connected_components_of_pairs_closer_than_the_radius_by_brute_force()
    {
        var random = new Random(11);
        foreach (var (n, radius) in new[] { (2, 5.0), (50, 20.0), (800, 7.0), (3000, 3.5) })
        {
            var x = new double[n];
            var y = new double[n];
            for (var i = 0; i < n; i++)
            {
                x[i] = random.NextDouble() * 300;
                y[i] = random.NextDouble() * 300;
                if (random.Next(40) == 0)
                {
                    (random.Next(2) == 0 ? x : y)[i] = random.Next(2) == 0 ? double.NaN : double.NegativeInfinity;
                }
                else if (random.Next(30) == 0 && i > 0 && double.IsFinite(x[i - 1]))
                {
                    // A duplicate position and one exactly the radius away (not closer: not linked).
                    (x[i], y[i]) = random.Next(2) == 0 ? (x[i - 1], y[i - 1]) : (x[i - 1] + radius, y[i - 1]);
                }
            }

            var expected = BruteForce(x, y, radius);
            var actual = BlendGroups.Find(x, y, radius);
            Assert.Equal(expected.Count, actual.Count);
            for (var g = 0; g < expected.Count; g++)
            {
                Assert.Equal(expected[g], actual[g]);
            }
        }

        Assert.Empty(BlendGroups.Find([1.0, 1.0], [2.0, 2.0], 0));
        Assert.Empty(BlendGroups.Find([1.0], [2.0], 10));
    }

    /// <summary>Union-find over every pair; groups of two or more, members ascending, ordered by their first member.</summary>
    private static List<int[]> BruteForce(double[] x, double[] y, double radius)
    {
        var n = x.Length;
        var parent = Enumerable.Range(0, n).ToArray();
        int Root(int i) => parent[i] == i ? i : parent[i] = Root(parent[i]);
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var dx = x[i] - x[j];
                var dy = y[i] - y[j];
                if ((dx * dx) + (dy * dy) < radius * radius)
                {
                    parent[Root(j)] = Root(i);
                }
            }
        }

        return Enumerable.Range(0, n).GroupBy(Root).Where(g => g.Count() > 1).Select(g => g.OrderBy(i => i).ToArray()).OrderBy(g => g[0]).ToList();
    }
}
