using Apdb.Simulation;
using Apdb.Simulation.Rendering;
using Apdb.Sky;

namespace Apdb.Frontend.Tests.FrontEnd;

/// <summary>A small simulated scene: the demo sky, the first visit, the detector nearest the region's centre.</summary>
internal static class Scene
{
    public const long Seed = 42;
    private static readonly Lazy<(SkyTruth Truth, Visit Visit, int Detector)> Shared = new(Build);

    public static SkyTruth Truth => Shared.Value.Truth;

    public static Visit Visit => Shared.Value.Visit;

    public static int Detector => Shared.Value.Detector;

    /// <summary>Dense stars so a 512 x 512 window has enough for the PSF, astrometry and PSF matching.</summary>
    public static RenderOptions Options(int x0 = 1800, int y0 = 1800, int size = 512) => new()
    {
        Window = (x0, y0, size, size),
        StarDensityPerDeg2 = 250_000,
    };

    private static (SkyTruth, Visit, int) Build()
    {
        var cadence = Cadence.Create(SkyPreset.Demo, 1, Seed);
        var truth = new SkyTruth(SkyPreset.Demo, Seed, cadence.StartMjd, cadence.EndMjd);
        var visit = cadence.Visits.First(v => v.SeeingArcsec is > 0.6 and < 1.0);
        var centre = SkyPreset.Demo.Center;
        var best = Enumerable.Range(0, CameraLayout.DetectorCount)
            .OrderBy(d => AngularDistance.Degrees(visit.Geometry.PixelToSky(d, 2047.5, 2047.5), centre))
            .First();
        return (truth, visit, best);
    }
}
