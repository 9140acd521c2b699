namespace Apdb.Frontend.Measurement;

/// <summary>Measurement flags (sum of bits in CSV output).</summary>
[Flags]
public enum MeasurementFlags
{
    /// <summary>Nothing to report.</summary>
    None = 0,

    /// <summary>The PSF stamp or aperture reaches the image edge.</summary>
    Edge = 1 << 0,

    /// <summary>A saturated pixel under the PSF stamp.</summary>
    Saturated = 1 << 1,

    /// <summary>A bad (defect) pixel under the PSF stamp.</summary>
    Bad = 1 << 2,

    /// <summary>A cosmic-ray pixel under the PSF stamp.</summary>
    CosmicRay = 1 << 3,

    /// <summary>The central pixel is unusable (BAD, SAT, CR, EDGE, NO_DATA).</summary>
    CenterMasked = 1 << 4,

    /// <summary>The weighted centroid did not converge; the peak's sub-pixel interpolation was used.</summary>
    CentroidFailed = 1 << 5,

    /// <summary>The footprint held several peaks and was split.</summary>
    Deblended = 1 << 6,

    /// <summary>A negative detection.</summary>
    Negative = 1 << 7,

    /// <summary>The aperture was cut by the image edge.</summary>
    ApertureTruncated = 1 << 8,

    /// <summary>No usable pixel under the PSF: no PSF flux.</summary>
    PsfFitFailed = 1 << 9,

    /// <summary>A positive and a negative lobe of similar flux within two FWHM (difference images).</summary>
    Dipole = 1 << 10,

    /// <summary>An interpolated or no-data pixel under the PSF stamp.</summary>
    NoData = 1 << 11,
}
