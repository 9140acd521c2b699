namespace Apdb.Frontend;

/// <summary>What the front end measured about its own work on one detector-visit.</summary>
public sealed record FrontEndDiagnostics
{
    /// <summary>Sources detected and measured on the science image.</summary>
    public required int ScienceSources { get; init; }

    /// <summary>Cosmic-ray pixels flagged.</summary>
    public required int CosmicRayPixels { get; init; }

    /// <summary>PSF model description.</summary>
    public required string Psf { get; init; }

    /// <summary>Science PSF FWHM, pixels.</summary>
    public required double PsfFwhmPixels { get; init; }

    /// <summary>Matched reference stars in the astrometric fit.</summary>
    public required int AstrometryMatches { get; init; }

    /// <summary>RMS of the astrometric fit, mas.</summary>
    public required double AstrometryRmsMas { get; init; }

    /// <summary>Polynomial order of the astrometric fit (3 = TAN-SIP, 1 = TAN).</summary>
    public required int AstrometryOrder { get; init; }

    /// <summary>Fitted calibration, nJy per electron.</summary>
    public required double NanojanskyPerElectron { get; init; }

    /// <summary>Stars in the zero-point fit.</summary>
    public required int ZeroPointStars { get; init; }

    /// <summary>Statistical relative error of the calibration factor.</summary>
    public required double ZeroPointRelativeError { get; init; }

    /// <summary>AL stamps kept / offered.</summary>
    public required (int Used, int Offered) Stamps { get; init; }

    /// <summary>AL spatial kernel order used.</summary>
    public required int KernelSpatialOrder { get; init; }

    /// <summary>Kernel sum at the centre (template to science photometric ratio).</summary>
    public required double KernelSum { get; init; }

    /// <summary>True when the science was convolved to match the template (its PSF was the narrower).</summary>
    public bool ConvolvedScience { get; init; }

    /// <summary>FWHM of the difference image's PSF (the science's, or the template's when the science was convolved), pixels.</summary>
    public double DifferencePsfFwhmPixels { get; init; }

    /// <summary>Robust sigma of difference / sqrt(propagated variance) before rescaling (1 = perfect propagation).</summary>
    public required double DifferenceNoiseRatio { get; init; }

    /// <summary>DIA detections before the filters.</summary>
    public required int DiaDetections { get; init; }

    /// <summary>Seconds of the steps inside the stages (background, psf, warp, alFit, ...), in order.</summary>
    public required IReadOnlyList<StageTiming> Steps { get; init; }

    /// <summary>Process CPU seconds per stage (all threads of this process), in the order of the stages.</summary>
    public required IReadOnlyList<StageTiming> StageCpuSeconds { get; init; }

    /// <summary>Robust sigma of the difference's matched-filter S/N image (the DIA S/N is divided by it).</summary>
    public required double DiaSnrScale { get; init; }

    /// <summary>Detections dropped by the filters (masked centre, saturated footprint, edge, no PSF flux).</summary>
    public required int DiaFiltered { get; init; }
}
