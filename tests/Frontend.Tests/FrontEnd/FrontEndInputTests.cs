using Apdb.Simulation;
using Apdb.Sky;

namespace Apdb.Frontend.Tests.FrontEnd;

public sealed class FrontEndInputTests
{
    [Fact]
    public void A_detector_outside_the_simulated_region_is_a_clear_error_naming_visit_and_detector()
    {
        var far = Enumerable.Range(0, CameraLayout.DetectorCount)
            .OrderByDescending(d => AngularDistance.Degrees(Scene.Visit.Geometry.PixelToSky(d, 2047.5, 2047.5), SkyPreset.Demo.Center))
            .First();
        var frontEnd = new ImageFrontEnd(Scene.Truth, new FrontEndOptions { Render = Scene.Options(size: 128) });
        var ex = Assert.Throws<InvalidOperationException>(() => frontEnd.Process(Scene.Visit, far));
        Assert.Contains($"visit {Scene.Visit.VisitId} detector {far}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("outside the simulated region", ex.Message, StringComparison.Ordinal);
    }
}
