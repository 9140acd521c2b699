namespace Apdb.Imaging;

/// <summary>A star used to estimate the PSF: adaptive-moment centroid, peak, flux, and FWHM from its second moments.</summary>
/// <param name="X">Centroid x, pixels.</param>
/// <param name="Y">Centroid y, pixels.</param>
/// <param name="Peak">Background-subtracted peak value.</param>
/// <param name="FwhmPixels">FWHM from the adaptive second moments, pixel-integration corrected.</param>
/// <param name="Ellipticity">(a - b) / (a + b) of the moment ellipse.</param>
public readonly record struct PsfStar(double X, double Y, double Peak, double FwhmPixels, double Ellipticity);
