namespace Apdb.Sky.Tests;

public sealed class DetectorFootprintTests
{
    [Fact]
    public void Lsst_footprint_has_819_arcsec_sides_and_corners_at_the_gnomonic_distance()
    {
        foreach (var center in new[] { SkyPosition.FromDegrees(359.999, 0), SkyPosition.FromDegrees(45, 89.99), SkyPosition.FromDegrees(200, -90) })
        {
            var footprint = DetectorFootprint.Lsst(center, 17.0);
            var polygon = footprint.ToPolygon();
            var v = polygon.Vertices;
            Assert.Equal(4, v.Count);

            // Gnomonic: a corner at planar radius rho (radians) is atan(rho) from the tangent point.
            var rho = Math.Sqrt(2) * 409.6 / 3600.0 * Math.PI / 180.0;
            var expected = Math.Atan(rho) * 180 / Math.PI;
            foreach (var corner in v)
            {
                Assert.Equal(expected, AngularDistance.Degrees(center, corner), 1e-12);
            }

            for (var i = 0; i < 4; i++)
            {
                var side = AngularDistance.Degrees(v[i], v[(i + 1) % 4]) * 3600.0;
                Assert.Equal(819.2, side, 0.01);
            }

            Assert.True(polygon.Contains(center));
        }
    }

    [Fact]
    public void Rotation_is_the_position_angle_of_the_detector_y_axis_east_of_north()
    {
        var center = SkyPosition.FromDegrees(150, 10);
        var planar = new DetectorFootprint(center, 90.0, 100.0, 10.0).PlanarCorners();
        // Rotated by 90 degrees, the long x side lies along north-south.
        Assert.Equal(50.0, Math.Abs(planar[0].Y), 1e-9);
        Assert.Equal(5.0, Math.Abs(planar[0].X), 1e-9);
    }

    [Fact]
    public void Planar_union_agrees_with_the_spherical_polygons_away_from_the_edges()
    {
        var plane = new TangentPlane(SkyPosition.FromDegrees(10, -30));
        var footprints = new[]
        {
            DetectorFootprint.Lsst(SkyPosition.FromDegrees(10, -30), 0),
            DetectorFootprint.Lsst(SkyPosition.FromDegrees(10.25, -30), 0),
        };
        var union = PlanarFootprints.Union(plane, footprints, 20.0);
        Assert.True(union.Area > 2 * 819.2 * 819.2);
        var padded = footprints.Select(f => f.ToPolygon(20.0)).ToArray();
        var random = new Random(5);
        var agree = 0;
        for (var i = 0; i < 5000; i++)
        {
            var p = plane.Unproject(random.NextDouble() * 1200 - 600, random.NextDouble() * 1200 - 600).ToSkyPosition();
            var spherical = padded.Any(s => s.Contains(p));
            var planarHit = PlanarFootprints.Contains(union, plane, p);
            if (spherical == planarHit)
            {
                agree++;
            }
        }

        // They differ only within the planar approximation's sliver at the outer corners.
        Assert.True(agree > 4950, $"{agree} of 5000 agree");
    }

    [Fact]
    public void Tangent_plane_round_trips_and_rejects_the_far_hemisphere()
    {
        var plane = new TangentPlane(SkyPosition.FromDegrees(300, 60));
        var v = plane.Unproject(123.4, -567.8);
        var c = plane.Project(v);
        Assert.Equal(123.4, c.X, 1e-8);
        Assert.Equal(-567.8, c.Y, 1e-8);
        Assert.Throws<ArgumentOutOfRangeException>(() => plane.Project(SkyPosition.FromDegrees(120, -60)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DetectorFootprint(SkyPosition.FromDegrees(1, 1), 0, 0, 10));
    }
}
