namespace Apdb.Sky.Tests;

public sealed class RaDecOfTests
{
    [Fact]
    public void Agrees_with_the_checked_FromUnitVector_for_vectors_of_any_length()
    {
        var random = new Random(19);
        for (var i = 0; i < 10_000; i++)
        {
            var (x, y, z) = (random.NextDouble() - 0.5, random.NextDouble() - 0.5, random.NextDouble() - 0.5);
            var length = Math.Pow(10, (random.NextDouble() * 6) - 3);
            var (ra, dec) = SkyPosition.RaDecOf(x * length, y * length, z * length);
            var expected = SkyPosition.FromUnitVector(UnitVector.FromComponents(x, y, z));
            Assert.InRange(ra, 0.0, 360.0);
            Assert.True(ra < 360.0);
            Assert.Equal(expected.DecDeg, dec, 1e-12);
            Assert.True(AngularDistanceDeg(expected.RaDeg, ra) < 1e-11, $"ra {ra} against {expected.RaDeg}");
        }
    }

    [Theory]
    [InlineData(2, 0, 0, 0, 0)]
    [InlineData(0, 3, 0, 90, 0)]
    [InlineData(-1, 0, 0, 180, 0)]
    [InlineData(0, -1, 0, 270, 0)]
    [InlineData(0, 0, 5, 0, 90)]
    [InlineData(0, 0, -5, 0, -90)]
    public void Gives_the_cardinal_directions(double x, double y, double z, double ra, double dec)
    {
        var (actualRa, actualDec) = SkyPosition.RaDecOf(x, y, z);
        Assert.Equal(ra, actualRa, 1e-12);
        Assert.Equal(dec, actualDec, 1e-12);
    }

    private static double AngularDistanceDeg(double a, double b)
    {
        var d = Math.Abs(a - b) % 360.0;
        return Math.Min(d, 360.0 - d);
    }
}
