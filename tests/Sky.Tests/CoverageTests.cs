namespace Apdb.Sky.Tests;

public sealed class CoverageTests
{
    [Fact]
    public void Cone_coverage_never_misses_a_pixel_holding_a_point_of_the_disc()
    {
        var random = new Random(21);
        foreach (var (cone, depth) in RegionCases.Cones(22, 150))
        {
            var coverage = cone.CoverageAtDepth(depth);
            Assert.Equal(depth, coverage.Depth);
            for (var k = 0; k < 400; k++)
            {
                // Interior points, and points hugging the rim where misses would happen.
                var radius = k % 2 == 0 ? cone.RadiusDeg : cone.RadiusDeg * (1 - 1e-9);
                var v = k % 2 == 0
                    ? RandomSky.InCap(random, cone.CenterVector, radius)
                    : RandomSky.Offset(cone.CenterVector, radius * Math.PI / 180.0, random.NextDouble() * 2 * Math.PI);
                var p = v.ToSkyPosition();
                if (!cone.Contains(p))
                {
                    continue;
                }

                var id = HealpixNested.Hash(depth, p);
                Assert.True(coverage.ContainsAtDepth(id), $"{cone} depth {depth}: pixel {id} of {p} missing");
            }
        }
    }

    [Fact]
    public void Polygon_coverage_never_misses_a_pixel_holding_a_point_of_the_footprint()
    {
        var random = new Random(23);
        foreach (var (footprint, polygon, depth) in RegionCases.Footprints(24, 120))
        {
            var coverage = polygon.CoverageAtDepth(depth);
            var adaptive = polygon.Coverage();
            Assert.Equal(29, adaptive.Depth);
            Assert.InRange(adaptive.Ranges.Count, 1, 64);
            var halfW = footprint.WidthArcsec / 2 + 20.0;
            var halfH = footprint.HeightArcsec / 2 + 20.0;
            var (sin, cos) = Math.SinCos(footprint.RotationDeg * Math.PI / 180.0);
            for (var k = 0; k < 400; k++)
            {
                // Points of the padded rectangle in detector coordinates, a third of them on its border.
                var u = (2 * random.NextDouble() - 1) * halfW;
                var w = (2 * random.NextDouble() - 1) * halfH;
                if (k % 3 == 0)
                {
                    u = Math.CopySign(halfW * (1 - 1e-9), u);
                }

                var v = footprint.Plane.Unproject(u * cos + w * sin, -u * sin + w * cos);
                if (!polygon.Contains(v))
                {
                    continue;
                }

                var p = v.ToSkyPosition();
                Assert.True(coverage.ContainsAtDepth(HealpixNested.Hash(depth, p)), $"{footprint} depth {depth}: {p} missing");
                Assert.True(adaptive.Contains(HealpixNested.Hash(29, p)), $"{footprint} adaptive: {p} missing");
            }
        }
    }

    [Fact]
    public void Adaptive_coverage_is_at_depth_29_within_max_ranges_and_holds_every_point()
    {
        var random = new Random(25);
        foreach (var (cone, _) in RegionCases.Cones(26, 60))
        {
            foreach (var maxRanges in new[] { 1, 8, 64, 256 })
            {
                var coverage = cone.Coverage(maxRanges);
                Assert.Equal(29, coverage.Depth);
                Assert.True(coverage.Ranges.Count <= maxRanges || coverage.Ranges.Count <= 12, $"{cone}: {coverage.Ranges.Count} ranges");
                for (var k = 0; k < 50; k++)
                {
                    var p = RandomSky.InCap(random, cone.CenterVector, cone.RadiusDeg * (1 - 1e-12)).ToSkyPosition();
                    Assert.True(coverage.Contains(HealpixNested.Hash(29, p)), $"{cone} max {maxRanges}: {p} missing");
                }
            }
        }
    }

    [Fact]
    public void Adaptive_coverage_of_a_small_cone_is_tight()
    {
        // A 1 arcsec cone: 64 ranges allow pixels far smaller than the cone, so the covered area must be close to the disc's.
        var cone = new SkyCone(SkyPosition.FromDegrees(150.1, 2.2), 1.0 / 3600.0);
        var coverage = cone.Coverage(64);
        var pixelArea = 4 * Math.PI / (12.0 * Math.Pow(4, 29));
        var discArea = Math.PI * Math.Pow(cone.RadiusDeg * Math.PI / 180.0, 2);
        var ratio = coverage.PixelCount * pixelArea / discArea;
        Assert.InRange(ratio, 1.0, 3.0);
    }

    [Fact]
    public void Coverage_of_a_disc_around_a_pole_includes_every_polar_base_pixel()
    {
        var north = new SkyCone(SkyPosition.FromDegrees(0, 90), 1.0);
        var coverage = north.CoverageAtDepth(0);
        Assert.Equal([new PixelRange(0, 4)], coverage.Ranges);
        var south = new SkyCone(SkyPosition.FromDegrees(123, -90), 1.0).CoverageAtDepth(1);
        Assert.Equal(4, south.Ranges.Count);
    }

    [Fact]
    public void Cone_radius_outside_0_to_180_is_rejected_with_its_value()
    {
        var c = SkyPosition.FromDegrees(1, 1);
        Assert.StartsWith("radiusDeg = 0 deg is outside (0, 180)", Assert.Throws<ArgumentOutOfRangeException>(() => new SkyCone(c, 0)).Message, StringComparison.Ordinal);
        Assert.StartsWith("radiusDeg = 180 deg is outside (0, 180)", Assert.Throws<ArgumentOutOfRangeException>(() => new SkyCone(c, 180)).Message, StringComparison.Ordinal);
        Assert.StartsWith("radiusDeg = NaN deg", Assert.Throws<ArgumentOutOfRangeException>(() => new SkyCone(c, double.NaN)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SkyCone(c, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SkyCone(c, 1).Coverage(0));
    }

    [Fact]
    public void Huge_cones_cover_nearly_everything_without_error()
    {
        var cone = new SkyCone(SkyPosition.FromDegrees(10, 10), 179.9);
        var coverage = cone.Coverage();
        Assert.True(coverage.PixelCount > 0.99 * (12L << 58));
        var point = SkyPosition.FromDegrees(190, -9.85);
        Assert.True(coverage.Contains(HealpixNested.Hash(29, point)));
    }
}
