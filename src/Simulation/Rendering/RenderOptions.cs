namespace Apdb.Simulation.Rendering;

/// <summary>
/// Instrument and rendering knobs for <see cref="DetectorRenderer"/>. The defaults are LSST-like: gain 1.6 e-/ADU,
/// read noise 6 e-, bias near 1000 ADU with a 32-column overscan strip, full well 100,000 e-, a 16-bit converter.
/// </summary>
public sealed record RenderOptions
{
    /// <summary>Gain, electrons per ADU.</summary>
    public double Gain { get; init; } = 1.6;

    /// <summary>Read noise, electrons RMS.</summary>
    public double ReadNoise { get; init; } = 6.0;

    /// <summary>Mean bias level, ADU (the overscan level drifts a few ADU along the rows).</summary>
    public double BiasLevel { get; init; } = 1000.0;

    /// <summary>Overscan strip width, columns appended on the right of the raw image.</summary>
    public int OverscanColumns { get; init; } = 32;

    /// <summary>Full well, electrons: pixels above it saturate (and so does the 16-bit converter at 65535 ADU).</summary>
    public double FullWell { get; init; } = 100_000.0;

    /// <summary>Dark current, electrons per second per pixel (hot pixels come on top).</summary>
    public double DarkCurrent { get; init; } = 0.002;

    /// <summary>
    /// Sky electrons per pixel in a 30 s visit, per band u g r i z y (roughly LSST's); with the band's single-visit depth
    /// this sets the system response, nJy per electron, which the front end has to measure.
    /// </summary>
    public IReadOnlyList<double> SkyElectronsPerBand { get; init; } = [100, 450, 900, 1300, 1800, 2200];

    /// <summary>Static stars per deg^2 (r mag 16-24, same magnitude in every band).</summary>
    public double StarDensityPerDeg2 { get; init; } = 20_000;

    /// <summary>Cosmic rays per megapixel in one 30 s exposure.</summary>
    public double CosmicRaysPerMegapixel { get; init; } = 40;

    /// <summary>The template is this many times less noisy than a 0.7" visit (a co-add of about its square visits).</summary>
    public double TemplateDepthFactor { get; init; } = 4.0;

    /// <summary>Template PSF FWHM, arcsec.</summary>
    public double TemplateSeeingArcsec { get; init; } = 0.65;

    /// <summary>Add a SIP distortion (up to about a pixel at the corners) to the true detector WCS.</summary>
    public bool Distortion { get; init; } = true;

    /// <summary>Render only this part of the detector (x0, y0, width, height; 0-based), e.g. 512 x 512 in tests; null = the whole 4096 x 4096 detector.</summary>
    public (int X0, int Y0, int Width, int Height)? Window { get; init; }

    /// <summary>Extra template pixels on every side of the science footprint.</summary>
    public int TemplateMargin { get; init; } = 48;

    /// <summary>Point sources added to the science image only (window pixel x, y and flux in nJy): fake transients for tests.</summary>
    public IReadOnlyList<(double X, double Y, double FluxNjy)> Injections { get; init; } = [];

    /// <summary>Maximum parallelism for the per-pixel passes (default: processor count).</summary>
    public int? Parallelism { get; init; }
}
