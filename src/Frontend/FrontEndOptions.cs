using Apdb.Simulation.Rendering;

namespace Apdb.Frontend;

/// <summary>Options of <see cref="ImageFrontEnd"/>.</summary>
public sealed record FrontEndOptions
{
    /// <summary>How detector-visits are rendered.</summary>
    public RenderOptions Render { get; init; } = new();

    /// <summary>Detection threshold on the science image (calibration stars), sigma.</summary>
    public double ScienceThreshold { get; init; } = 5.0;

    /// <summary>DIA detection threshold on the difference image, sigma (both signs).</summary>
    public double DiaThreshold { get; init; } = 5.0;

    /// <summary>Which image the Alard-Lupton kernel convolves; <see cref="SubtractionMode.Auto"/> (as Rubin's default) convolves the science when its PSF is clearly the narrower.</summary>
    public SubtractionMode SubtractionMode { get; init; } = SubtractionMode.Auto;

    /// <summary>The clock for <c>timeProcessedMjdTai</c>.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
