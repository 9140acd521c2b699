using Apdb.Simulation.Rendering;
using Apdb.Sky;

namespace Apdb.Frontend.Tests.FrontEnd;

public sealed class RendererTests
{
    [Fact]
    public void Rendering_is_deterministic_for_seed_visit_and_detector()
    {
        var options = Scene.Options(size: 128);
        var a = new DetectorRenderer(Scene.Truth, options).Render(Scene.Visit, Scene.Detector);
        var b = new DetectorRenderer(Scene.Truth, options).Render(Scene.Visit, Scene.Detector);
        Assert.Equal(a.Raw.Image, b.Raw.Image);
        Assert.Equal(a.Template.Image, b.Template.Image);
        Assert.Equal(a.Truth, b.Truth);
        var other = new DetectorRenderer(Scene.Truth, options).Render(Scene.Visit, (Scene.Detector + 1) % 189);
        Assert.NotEqual(a.Raw.Image, other.Raw.Image);
    }

    [Fact]
    public void True_wcs_without_distortion_agrees_with_the_visit_geometry()
    {
        var renderer = new DetectorRenderer(Scene.Truth, new RenderOptions { Distortion = false });
        var wcs = renderer.TrueWcs(Scene.Visit, Scene.Detector);
        foreach (var (x, y) in new[] { (0.0, 0.0), (4095.0, 0.0), (2047.5, 2047.5), (1000.0, 3500.0) })
        {
            var expected = Scene.Visit.Geometry.PixelToSky(Scene.Detector, x, y);
            Assert.True(AngularDistance.Degrees(wcs.PixelToSky(x, y), expected) * 3.6e6 < 0.5, $"({x}, {y})");
        }
    }

    [Fact]
    public void Raw_has_overscan_saturation_and_the_bad_column_as_documented()
    {
        var x0 = CalibrationFrames.BadColumnOf(Scene.Seed, Scene.Detector) - 100;
        var options = Scene.Options(x0: Math.Clamp(x0, 0, 4096 - 256), size: 256);
        var r = new DetectorRenderer(Scene.Truth, options).Render(Scene.Visit, Scene.Detector);
        Assert.Equal(256 + r.OverscanColumns, r.Raw.Width);
        Assert.Single(r.Calibration.BadColumns);
        var overscan = r.Raw.Image[256 + 5];
        Assert.InRange(overscan, 950, 1050);
        var isr = new Isr.IsrTask().Run(r.Raw, r.Calibration);
        var bad = r.Calibration.BadColumns[0];
        Assert.True((isr.Mask[(10 * 256) + bad] & (int)Imaging.MaskPlane.Bad) != 0);
        // The sky after ISR (electrons) agrees with the rendered level within a few percent.
        var sorted = isr.Image.Where((_, k) => k % 256 != bad).Order().ToArray();
        Assert.InRange(sorted[sorted.Length / 2] / r.SkyElectrons, 0.97, 1.05);
    }
}
