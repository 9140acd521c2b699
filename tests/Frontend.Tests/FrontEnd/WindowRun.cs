using Apdb.Simulation.Rendering;

namespace Apdb.Frontend.Tests.FrontEnd;

/// <summary>One 512 x 512 window through the whole chain, with two point sources injected into the science image only.</summary>
public sealed class WindowRun
{
    public static readonly (double X, double Y, double FluxNjy)[] Injected = [(130.2, 380.6, 6000), (400.4, 90.3, 2500)];

    public WindowRun()
    {
        var options = Scene.Options() with { Injections = Injected };
        FrontEnd = new ImageFrontEnd(Scene.Truth, new FrontEndOptions { Render = options });
        Report = FrontEnd.ProcessDetailed(Scene.Visit, Scene.Detector);
    }

    public ImageFrontEnd FrontEnd { get; }

    public FrontEndReport Report { get; }

    public RenderedDetector Rendered => Report.Rendered;
}
