namespace Apdb.Sky.Tests;

public sealed class SkyPositionTests
{
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(360.0, 0.0)]
    [InlineData(-10.0, 350.0)]
    [InlineData(725.0, 5.0)]
    [InlineData(-1e-20, 0.0)]
    [InlineData(359.5, 359.5)]
    public void Right_ascension_is_wrapped_into_0_to_360(double ra, double expected)
    {
        var p = SkyPosition.FromDegrees(ra, 10.0);
        Assert.Equal(expected, p.RaDeg, 1e-12);
        Assert.InRange(p.RaDeg, 0.0, Math.BitDecrement(360.0));
    }

    [Theory]
    [InlineData(double.NaN, 0.0, "ra = NaN is not a finite number")]
    [InlineData(double.NegativeInfinity, 0.0, "ra = -Infinity is not a finite number")]
    [InlineData(0.0, 91.0, "dec = 91 is outside [-90, 90]")]
    [InlineData(0.0, -90.000001, "dec = -90.000001 is outside [-90, 90]")]
    [InlineData(0.0, double.PositiveInfinity, "dec = Infinity is not a finite number")]
    public void Bad_coordinates_are_rejected_naming_the_value(double ra, double dec, string message)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SkyPosition.FromDegrees(ra, dec));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => UnitVector.FromRaDec(ra, dec));
    }

    [Fact]
    public void Unit_vector_round_trip_preserves_position_to_a_few_microarcseconds_including_the_poles()
    {
        var random = new Random(1);
        for (var i = 0; i < 10_000; i++)
        {
            var p = i switch { 0 => SkyPosition.FromDegrees(0, 90), 1 => SkyPosition.FromDegrees(0, -90), _ => RandomSky.Position(random) };
            var v = p.ToUnitVector();
            Assert.Equal(1.0, v.Length, 1e-15);
            var back = SkyPosition.FromUnitVector(v);
            Assert.True(AngularDistance.Degrees(p, back) < 1e-11);
            Assert.Equal(p.DecDeg, back.DecDeg, 1e-12);
        }

        var pole = SkyPosition.FromUnitVector(UnitVector.FromComponents(0, 0, 5));
        Assert.Equal(90.0, pole.DecDeg);
        Assert.Equal(0.0, pole.RaDeg);
    }

    [Fact]
    public void Positions_and_vectors_have_value_equality()
    {
        Assert.Equal(SkyPosition.FromDegrees(10, 20), SkyPosition.FromDegrees(370, 20));
        Assert.True(SkyPosition.FromDegrees(10, 20) != SkyPosition.FromDegrees(10, 21));
        Assert.Equal(UnitVector.FromRaDec(10, 20), UnitVector.FromRaDec(10, 20));
        var x = UnitVector.FromComponents(1, 0, 0);
        var y = UnitVector.FromComponents(0, 1, 0);
        Assert.Equal(UnitVector.FromComponents(0, 0, 1), x.Cross(y));
        Assert.Equal(0.0, x.Dot(y));
        Assert.Throws<ArgumentOutOfRangeException>(() => UnitVector.FromComponents(0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => UnitVector.FromComponents(double.NaN, 0, 1));
    }
}
