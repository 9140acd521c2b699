namespace Apdb.Sky.Tests;

public sealed class AngularDistanceTests
{
    private const double Mas = 1.0 / 3_600_000.0;

    [Fact]
    public void One_milliarcsecond_separations_are_exact_to_a_part_in_a_million()
    {
        // Reference: two points at the same declination d, separated by dRa in right ascension, are
        // 2 asin(cos d sin(dRa / 2)) apart (spherical law of haversines with equal latitudes), an expression
        // without cancellation for small dRa.
        var random = new Random(2);
        for (var i = 0; i < 10_000; i++)
        {
            var dec = random.NextDouble() * 178.0 - 89.0;
            var ra = random.NextDouble() * 360.0;
            var dRa = Mas * (0.5 + random.NextDouble() * 10);
            var expected = 2 * Math.Asin(Math.Cos(dec * Math.PI / 180) * Math.Sin(dRa * Math.PI / 360)) * 180 / Math.PI;
            var a = SkyPosition.FromDegrees(ra, dec);
            var b = SkyPosition.FromDegrees(ra + dRa, dec);
            var actual = AngularDistance.Degrees(a, b);
            Assert.True(Math.Abs(actual - expected) <= 1e-6 * expected, $"{a} {b}: {actual} vs {expected}");
        }

        // Along a meridian the separation is the declination difference itself, exact in doubles (Sterbenz).
        var p = SkyPosition.FromDegrees(12.3, 45.0);
        var q = SkyPosition.FromDegrees(12.3, 45.0 + Mas);
        Assert.Equal((45.0 + Mas) - 45.0, AngularDistance.Degrees(p, q), 1e-6 * Mas);
    }

    [Fact]
    public void Near_antipodal_separations_are_exact_to_a_nanodegree()
    {
        // Reference: (ra, d) and (ra + 180, -d - e) lie on one meridian, 180 - e degrees apart over the pole.
        var random = new Random(3);
        foreach (var e in new[] { 1e-7, 1e-6, 1e-4, 0.1 })
        {
            for (var i = 0; i < 1000; i++)
            {
                var ra = random.NextDouble() * 360.0;
                var dec = random.NextDouble() * 170.0 - 85.0;
                var a = SkyPosition.FromDegrees(ra, dec);
                var b = SkyPosition.FromDegrees(ra + 180.0, -dec - e * Math.Sign(dec + 1e-300));
                var expected = 180.0 - e;
                Assert.True(Math.Abs(AngularDistance.Degrees(a, b) - expected) < 1e-9, $"{a} {b}: {AngularDistance.Degrees(a, b)}");
            }
        }

        Assert.Equal(179.9999999, AngularDistance.Degrees(SkyPosition.FromDegrees(0, 0), SkyPosition.FromDegrees(179.9999999, 0)), 1e-10);
        Assert.Equal(180.0, AngularDistance.Degrees(SkyPosition.FromDegrees(0, 90), SkyPosition.FromDegrees(0, -90)));
    }

    [Fact]
    public void Chord_squared_threshold_orders_points_like_the_angle()
    {
        Assert.Equal(2.0, AngularDistance.ChordSquaredForRadius(90.0), 1e-15);
        Assert.Equal(4.0, AngularDistance.ChordSquaredForRadius(180.0), 1e-15);
        Assert.Equal(0.0, AngularDistance.ChordSquaredForRadius(0.0));
        var random = new Random(4);
        for (var i = 0; i < 10_000; i++)
        {
            var a = RandomSky.Position(random).ToUnitVector();
            var b = RandomSky.Position(random).ToUnitVector();
            var r = random.NextDouble() * 180.0;
            var angle = AngularDistance.Radians(a, b) * 180 / Math.PI;
            if (Math.Abs(angle - r) > 1e-9)
            {
                Assert.Equal(angle <= r, AngularDistance.ChordSquared(a, b) <= AngularDistance.ChordSquaredForRadius(r));
            }
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => AngularDistance.ChordSquaredForRadius(-1));
        Assert.StartsWith("radiusDeg = -1 is outside [0, 180]", error.Message, StringComparison.Ordinal);
    }
}
