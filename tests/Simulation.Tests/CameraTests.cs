using Apdb.Sky;

namespace Apdb.Simulation.Tests;

public sealed class CameraTests
{
    [Fact]
    public void The_camera_has_189_detectors_in_21_rafts_about_3_5_degrees_across()
    {
        var centers = Enumerable.Range(0, CameraLayout.DetectorCount).Select(CameraLayout.Center).ToList();
        Assert.Equal(189, centers.Distinct().Count());
        Assert.Equal(21, Enumerable.Range(0, 189).Select(d => CameraLayout.Name(d)[..3]).Distinct().Count());
        var span = centers.Max(c => c.U) - centers.Min(c => c.U) + CameraLayout.DetectorSideArcsec;
        Assert.InRange(span / 3600.0, 3.4, 3.6);
    }

    [Fact]
    public void A_pixel_maps_to_the_sky_and_back_and_lies_in_its_detector_footprint()
    {
        var geometry = new VisitGeometry(SkyPosition.FromDegrees(60, -62), 33.0);
        var random = new Random(1);
        for (var i = 0; i < 2000; i++)
        {
            var det = random.Next(189);
            var x = random.NextDouble() * 4095;
            var y = random.NextDouble() * 4095;
            var sky = geometry.PixelToSky(det, x, y);
            Assert.True(geometry.TryLocate(sky, out var d2, out var x2, out var y2));
            Assert.Equal(det, d2);
            Assert.Equal(x, x2, 1e-6);
            Assert.Equal(y, y2, 1e-6);
            Assert.True(geometry.Footprint(det).ToPolygon().Contains(sky));
        }
    }

    [Fact]
    public void Chip_gaps_are_not_on_any_detector()
    {
        var geometry = new VisitGeometry(SkyPosition.FromDegrees(60, -62), 0.0);
        // Half-way between the centres of two neighbouring sensors in a raft: 422.5 arcsec, past the 409.6 arcsec half side.
        var frame = new TangentPlane(SkyPosition.FromDegrees(60, -62));
        var gap = frame.Unproject(422.5, 0).ToSkyPosition();
        Assert.False(geometry.TryLocate(gap, out _, out _, out _));
        Assert.True(geometry.TryLocate(frame.Unproject(0, 0).ToSkyPosition(), out _, out _, out _));
    }
}
