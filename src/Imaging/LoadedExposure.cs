namespace Apdb.Imaging;

/// <summary>An exposure read from a FITS file, with how its planes were obtained.</summary>
/// <param name="Exposure">The exposure.</param>
/// <param name="Hdu">The HDU index the image came from.</param>
/// <param name="Background">The mesh background estimated from the image.</param>
/// <param name="BackgroundSubtracted">True when the background was subtracted from the image plane.</param>
/// <param name="VarianceSource">Where the variance plane came from, for reports.</param>
/// <param name="WcsProblem">Why the exposure has no WCS, or null when it has one.</param>
public sealed record LoadedExposure(Exposure Exposure, int Hdu, BackgroundMap Background, bool BackgroundSubtracted, string VarianceSource, string? WcsProblem);
