namespace Apdb.Sky.Tests;

public sealed class HealpixNeighbourSpanTests
{
    [Fact]
    public void The_span_overload_writes_the_same_neighbours_as_the_array_overload()
    {
        var random = new Random(21);
        Span<long> destination = stackalloc long[9];
        foreach (var depth in new[] { 0, 1, 3, 10, 16, 29 })
        {
            for (var i = 0; i < 500; i++)
            {
                var id = random.NextInt64(12L << (2 * depth));
                destination.Fill(long.MinValue);
                HealpixNested.Neighbours(depth, id, destination);
                Assert.Equal(HealpixNested.Neighbours(depth, id), destination[..8].ToArray());
                Assert.Equal(long.MinValue, destination[8]);
            }
        }
    }

    [Fact]
    public void The_span_overload_rejects_a_short_destination_and_bad_ids()
    {
        var tooShort = new long[7];
        Assert.Throws<ArgumentException>(() => HealpixNested.Neighbours(5, 0, tooShort.AsSpan()));
        var enough = new long[8];
        Assert.Throws<ArgumentOutOfRangeException>(() => HealpixNested.Neighbours(5, 12L << 10, enough.AsSpan()));
        Assert.Throws<ArgumentOutOfRangeException>(() => HealpixNested.Neighbours(30, 0, enough.AsSpan()));
    }

    [Theory]
    // cdshealpix SMALLER_EDGE2OPEDGE_DIST: depth 16 = 1.0510625670060442e-5 rad = 2.168", depth 0 = 0.841 rad.
    [InlineData(16, 1.0510625670060442e-5)]
    [InlineData(0, 8.410686705679302e-1)]
    [InlineData(29, 1.2829280665188905e-9)]
    public void The_smallest_pixel_width_is_cdshealpix_table(int depth, double radians)
    {
        Assert.Equal(radians * 180.0 / Math.PI, HealpixNested.MinPixelWidthDeg(depth), 1e-15);
    }

    [Fact]
    public void A_disc_narrower_than_the_smallest_pixel_width_stays_in_the_pixel_and_its_neighbours()
    {
        var random = new Random(99);
        foreach (var depth in new[] { 1, 4, 9, 16, 22 })
        {
            var radiusDeg = 0.999 * HealpixNested.MinPixelWidthDeg(depth);
            Assert.True(radiusDeg < 2 * HealpixNested.MaxPixelRadiusDeg(depth));
            for (var i = 0; i < 3000; i++)
            {
                var ra = random.NextDouble() * 360;
                var dec = Math.Asin((2 * random.NextDouble()) - 1) * 180 / Math.PI;
                var centre = HealpixNested.Hash(depth, ra, dec);
                var (ra2, dec2) = Offset(ra, dec, radiusDeg, random.NextDouble() * 360);
                var reached = HealpixNested.Hash(depth, ra2, dec2);
                Assert.True(reached == centre || Array.IndexOf(HealpixNested.Neighbours(depth, centre), reached) >= 0,
                    $"depth {depth}: ({ra}, {dec}) + {radiusDeg} deg reached pixel {reached}, not {centre} or a neighbour");
            }
        }
    }

    [Fact]
    public void The_smallest_pixel_width_rejects_a_bad_depth()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HealpixNested.MinPixelWidthDeg(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => HealpixNested.MinPixelWidthDeg(30));
    }

    private static (double Ra, double Dec) Offset(double raDeg, double decDeg, double distanceDeg, double paDeg)
    {
        var r = distanceDeg * Math.PI / 180;
        var pa = paDeg * Math.PI / 180;
        var d0 = decDeg * Math.PI / 180;
        var sinD = (Math.Sin(d0) * Math.Cos(r)) + (Math.Cos(d0) * Math.Sin(r) * Math.Cos(pa));
        var d = Math.Asin(Math.Clamp(sinD, -1, 1));
        var a = (raDeg * Math.PI / 180) + Math.Atan2(Math.Sin(pa) * Math.Sin(r) * Math.Cos(d0), Math.Cos(r) - (Math.Sin(d0) * sinD));
        var ra = a * 180 / Math.PI % 360;
        return (ra < 0 ? ra + 360 : ra, Math.Clamp(d * 180 / Math.PI, -90, 90));
    }
}
