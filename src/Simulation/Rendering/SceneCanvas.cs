using Apdb.Imaging;
using Apdb.Sky;

namespace Apdb.Simulation.Rendering;

/// <summary>
/// The noiseless images of one detector-visit while its sources are drawn: the science signal (electrons, on the
/// detector window, with a PSF that varies a few percent across the detector) and the template (nJy, on its own rotated
/// grid), with the truth list of what landed on the science window.
/// </summary>
internal sealed class SceneCanvas
{
    private readonly double _half;
    private readonly double _toElectrons;

    public SceneCanvas(TanWcs scienceWcs, int x0, int y0, int width, int height, double scienceFwhm, double nanojanskyPerElectron,
        TanWcs templateWcs, int templateWidth, int templateHeight, double templateFwhm, double detectorHalf)
    {
        ScienceWcs = scienceWcs;
        X0 = x0;
        Y0 = y0;
        Width = width;
        Height = height;
        ScienceFwhm = scienceFwhm;
        TemplateWcs = templateWcs;
        TemplateWidth = templateWidth;
        TemplateHeight = templateHeight;
        TemplateFwhm = templateFwhm;
        _half = detectorHalf;
        _toElectrons = 1.0 / nanojanskyPerElectron;
        Signal = new float[width * height];
        Template = new float[templateWidth * templateHeight];
    }

    public TanWcs ScienceWcs { get; }

    public int X0 { get; }

    public int Y0 { get; }

    public int Width { get; }

    public int Height { get; }

    public double ScienceFwhm { get; }

    public TanWcs TemplateWcs { get; }

    public int TemplateWidth { get; }

    public int TemplateHeight { get; }

    public double TemplateFwhm { get; }

    /// <summary>Source electrons on the science window, before flat, sky and noise.</summary>
    public float[] Signal { get; }

    /// <summary>Source flux on the template grid, nJy, before noise.</summary>
    public float[] Template { get; }

    /// <summary>What was drawn on the science window.</summary>
    public List<TruthSource> Truth { get; } = [];

    /// <summary>The science PSF sigma (pixels) at a window position: the seeing, 3% and 2% wider across the detector.</summary>
    public double ScienceSigma(double x, double y) =>
        ScienceFwhm / GaussianPsf.FwhmPerSigma * (1.0 + (0.03 * (x + X0 - _half) / _half) + (0.02 * (y + Y0 - _half) / _half));

    /// <summary>The template PSF sigma (pixels) at a template position: 1% wider across the grid.</summary>
    public double TemplateSigma(double x, double y) =>
        TemplateFwhm / GaussianPsf.FwhmPerSigma * (1.0 + (0.01 * (x - (TemplateWidth / 2.0)) / TemplateWidth));

    /// <summary>
    /// Draws a source on the science image and the template where it falls (with a 30-pixel margin for the wings), and
    /// records it in the truth when its centre is on the science window.
    /// </summary>
    public void Place(RenderedKind kind, int index, SkyPosition p, double scienceNjy, double templateNjy, double extraSigma)
    {
        var onScience = ScienceWcs.TrySkyToPixel(p, out var x, out var y) && x > -30 && y > -30 && x < Width + 30 && y < Height + 30;
        var onTemplate = TemplateWcs.TrySkyToPixel(p, out var tx, out var ty) && tx > -30 && ty > -30 && tx < TemplateWidth + 30 && ty < TemplateHeight + 30;
        if (onScience && scienceNjy > 0)
        {
            var sg = ScienceSigma(x, y);
            Stamp.Draw(Signal, Width, Height, x, y, Math.Sqrt((sg * sg) + (extraSigma * extraSigma)), scienceNjy * _toElectrons);
        }

        if (onTemplate && templateNjy > 0)
        {
            var sg = TemplateSigma(tx, ty);
            Stamp.Draw(Template, TemplateWidth, TemplateHeight, tx, ty, Math.Sqrt((sg * sg) + (extraSigma * extraSigma)), templateNjy);
        }

        if (onScience && x >= -0.5 && y >= -0.5 && x < Width - 0.5 && y < Height - 0.5)
        {
            Truth.Add(new TruthSource(kind, index, p.RaDeg, p.DecDeg, x, y, scienceNjy, templateNjy));
        }
    }

    /// <summary>Draws an injected source at a window position, on the science image only.</summary>
    public void Inject(int index, double x, double y, double fluxNjy)
    {
        var at = ScienceWcs.PixelToSky(x, y);
        Stamp.Draw(Signal, Width, Height, x, y, ScienceSigma(x, y), fluxNjy * _toElectrons);
        Truth.Add(new TruthSource(RenderedKind.Injected, index, at.RaDeg, at.DecDeg, x, y, fluxNjy, 0));
    }
}
