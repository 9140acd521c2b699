namespace Apdb.Association.Tests;

public sealed class ChordKernelTests
{
    [Fact]
    public void The_vector_scan_equals_the_scalar_reference_at_every_length_from_0_to_256()
    {
        var rng = new Random(17);
        for (var n = 0; n <= 256; n++)
        {
            var x = new double[n];
            var y = new double[n];
            var z = new double[n];
            for (var i = 0; i < n; i++)
            {
                // Points within ~2 arcsec of (10, 20) so that about half are inside a 1" limit.
                var (ra, dec) = TestCatalogs.Offset(10, 20, rng.NextDouble() * 2.0, rng.NextDouble() * 360);
                (x[i], y[i], z[i]) = Catalog.UnitVectorOf(ra, dec);
            }

            var (px, py, pz) = Catalog.UnitVectorOf(10, 20);
            var limit = ChordMetric.LimitForRadiusArcsec(1.0);
            var a = new int[1];
            var b = new int[1];
            var na = ChordKernels.CollectWithin(x, y, z, px, py, pz, limit, ref a, 0);
            var nb = ChordKernels.CollectWithinScalar(x, y, z, px, py, pz, limit, ref b, 0);
            Assert.Equal(b.AsSpan(0, nb).ToArray(), a.AsSpan(0, na).ToArray());
            if (n >= 32)
            {
                Assert.InRange(na, 1, n - 1);
            }
        }
    }

    [Fact]
    public void The_limit_is_the_squared_chord_of_the_radius_and_distances_invert_it()
    {
        var limit = ChordMetric.LimitForRadiusArcsec(1.0);
        var expected = 2 * Math.Sin(0.5 * Math.PI / 180 / 3600);
        Assert.Equal(expected * expected, limit, 1e-25);
        Assert.Equal(1.0, ChordMetric.ToArcsec(limit), 12);
        Assert.Equal(648000.0, ChordMetric.ToArcsec(4.0), 6);
    }
}
