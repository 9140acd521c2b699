namespace Apdb.Sky.Tests;

public sealed class HealpixNestedTests
{
    [Fact]
    public void Known_pixels_match_published_healpy_examples()
    {
        // healpy documentation (pix2ang docstring): nside 1, 2, 4, 8 pixel 11 centres (lonlat) in RING; in NEST base pixel 11 is
        // the same pixel at nside 1: lon 315, lat -41.8103149.
        var c = HealpixNested.Center(0, 11);
        Assert.Equal(315.0, c.RaDeg, 1e-12);
        Assert.Equal(-41.8103149, c.DecDeg, 1e-7);
        Assert.Equal(0, HealpixNested.Hash(0, 45.0, 41.8));
        Assert.Equal(4, HealpixNested.Hash(0, 0.0, 0.0));
        Assert.Equal(8, HealpixNested.Hash(0, 45.0, -41.8));
    }

    [Fact]
    public void Depth_shifts_round_trip_and_reject_out_of_range_ids()
    {
        var random = new Random(3);
        for (var i = 0; i < 1000; i++)
        {
            var depth = random.Next(0, 30);
            var id = random.NextInt64(12L << (2 * depth));
            var deep = HealpixNested.ToDepth29(depth, id);
            Assert.Equal(id, HealpixNested.FromDepth29(depth, deep));
            Assert.Equal(id, HealpixNested.FromDepth29(depth, deep + (1L << (2 * (29 - depth))) - 1));
            Assert.Equal(id >> 2 * (depth - 0), HealpixNested.Parent(depth, id, 0));
        }

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => HealpixNested.ToDepth29(3, 768));
        Assert.Contains("id = 768", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_point_is_inside_the_pixel_it_hashes_to_at_every_depth()
    {
        var random = new Random(4);
        for (var i = 0; i < 3000; i++)
        {
            var p = RandomSky.Position(random);
            var depth = i % 30;
            var id = HealpixNested.Hash(depth, p);
            Assert.Equal(id >> 2, depth > 0 ? HealpixNested.Hash(depth - 1, p) : id >> 2);
            var distance = AngularDistance.Degrees(p, HealpixNested.Center(depth, id));
            Assert.True(distance <= HealpixNested.MaxPixelRadiusDeg(depth), $"depth {depth}: {distance}");
        }
    }

    [Fact]
    public void MaxPixelRadius_bounds_the_distance_from_centre_to_every_boundary_point()
    {
        // Sample pixel edges densely through healpix_cxx's continuous face coordinates at shallow depths, where edges
        // curve most, and at a few deep ones.
        var random = new Random(6);
        foreach (var depth in new[] { 0, 1, 2, 3, 4, 6, 10, 29 })
        {
            var nside = 1L << depth;
            var bound = HealpixNested.MaxPixelRadiusRad(depth);
            var pixels = depth <= 2 ? Enumerable.Range(0, (int)(12 * nside * nside)).Select(p => (long)p) : Enumerable.Range(0, 200).Select(_ => random.NextInt64(12 * nside * nside));
            foreach (var id in pixels)
            {
                HealpixNested.NestToXyf(depth, id, out var ix, out var iy, out var face);
                var center = HealpixNested.CenterVectorUnchecked(depth, id);
                for (var s = 0; s <= 64; s++)
                {
                    var t = s / 64.0;
                    foreach (var (x, y) in new[] { (t, 0.0), (t, 1.0), (0.0, t), (1.0, t) })
                    {
                        var v = HealpixNested.XyfToVector((ix + x) / nside, (iy + y) / nside, face);
                        Assert.True(AngularDistance.Radians(center, v) <= bound, $"depth {depth} pixel {id}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Neighbours_are_adjacent_and_symmetric()
    {
        var random = new Random(8);
        foreach (var depth in new[] { 1, 2, 5, 12, 29 })
        {
            for (var i = 0; i < 300; i++)
            {
                var id = random.NextInt64(12L << (2 * depth));
                foreach (var n in HealpixNested.Neighbours(depth, id))
                {
                    if (n < 0)
                    {
                        continue;
                    }

                    Assert.Contains(id, HealpixNested.Neighbours(depth, n));
                    var separation = AngularDistance.Degrees(HealpixNested.Center(depth, id), HealpixNested.Center(depth, n));
                    Assert.True(separation <= 2 * HealpixNested.MaxPixelRadiusDeg(depth));
                }
            }
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(30)]
    public void Depth_outside_0_to_29_is_rejected_with_its_value(int depth)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => HealpixNested.Hash(depth, 10.0, 10.0));
        Assert.StartsWith($"depth = {depth} is outside [0, 29]", error.Message, StringComparison.Ordinal);
        Assert.Equal("depth", error.ParamName);
    }

    [Theory]
    [InlineData(double.NaN, 0.0, "ra = NaN is not a finite number")]
    [InlineData(double.PositiveInfinity, 0.0, "ra = Infinity is not a finite number")]
    [InlineData(10.0, 91.0, "dec = 91 is outside [-90, 90]")]
    [InlineData(10.0, -90.5, "dec = -90.5 is outside [-90, 90]")]
    [InlineData(10.0, double.NaN, "dec = NaN is not a finite number")]
    public void Bad_coordinates_are_rejected_with_a_one_line_message_naming_the_value(double ra, double dec, string message)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => HealpixNested.Hash(12, ra, dec));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Zero_vector_has_no_pixel()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HealpixNested.Hash(5, new UnitVector(0, 0, 0)));
    }
}
