using Apdb.Imaging;

namespace Apdb.Simulation.Rendering;

/// <summary>
/// Everything <see cref="DetectorRenderer"/> makes for one detector-visit: the raw exposure (ADU, overscan strip on
/// the right), its calibration frames, a deeper template on its own pixel grid, the reference catalog, and the truth.
/// </summary>
public sealed class RenderedDetector
{
    /// <summary>The visit.</summary>
    public required Visit Visit { get; init; }

    /// <summary>The detector, 0-188.</summary>
    public required int Detector { get; init; }

    /// <summary>Offset of the rendered window in the detector (0, 0 for a full detector).</summary>
    public required (int X0, int Y0) Origin { get; init; }

    /// <summary>
    /// The raw exposure in ADU: <c>Width - OverscanColumns</c> imaging columns then the overscan strip. Its header
    /// carries GAIN, RDNOISE, SATURATE, OVERSCAN, EXPTIME, MJD-AVG, FILTER, VISIT, DETECTOR. Its WCS is the perturbed
    /// initial guess (the telescope's pointing model), not the truth.
    /// </summary>
    public required Exposure Raw { get; init; }

    /// <summary>Number of overscan columns at the right of <see cref="Raw"/>.</summary>
    public required int OverscanColumns { get; init; }

    /// <summary>The calibration frames.</summary>
    public required CalibrationFrames Calibration { get; init; }

    /// <summary>The template: background-subtracted, in nJy, with variance, its own TAN WCS and a Gaussian PSF.</summary>
    public required Exposure Template { get; init; }

    /// <summary>The true WCS of the science pixels (TAN, with SIP when distortion is on).</summary>
    public required TanWcs TrueWcs { get; init; }

    /// <summary>The initial WCS handed to the pipeline: the true one without SIP, shifted and rotated slightly.</summary>
    public required TanWcs InitialWcs { get; init; }

    /// <summary>Stars of the reference catalog on (or within a few pixels of) the window.</summary>
    public required IReadOnlyList<ReferenceStar> ReferenceCatalog { get; init; }

    /// <summary>Every source drawn on the science image or the template.</summary>
    public required IReadOnlyList<TruthSource> Truth { get; init; }

    /// <summary>True calibration: nJy per electron.</summary>
    public required double NanojanskyPerElectron { get; init; }

    /// <summary>Sky level, electrons per pixel.</summary>
    public required double SkyElectrons { get; init; }

    /// <summary>Science PSF FWHM at the detector centre, pixels.</summary>
    public required double ScienceFwhmPixels { get; init; }

    /// <summary>Template PSF FWHM, pixels.</summary>
    public required double TemplateFwhmPixels { get; init; }

    /// <summary>Cosmic rays deposited.</summary>
    public required int CosmicRays { get; init; }

    /// <summary>Seconds spent rendering (calibration frames from the cache cost nothing).</summary>
    public required double RenderSeconds { get; init; }

    /// <summary>Width of the imaging area (raw width minus overscan).</summary>
    public int Width => Raw.Width - OverscanColumns;

    /// <summary>Height of the imaging area.</summary>
    public int Height => Raw.Height;
}
