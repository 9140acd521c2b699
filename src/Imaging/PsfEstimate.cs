namespace Apdb.Imaging;

/// <summary>What <see cref="PsfEstimator"/> found: the stars it used, their median FWHM, and the model it built.</summary>
/// <param name="Psf">The model: pixelized when enough stars, else a Gaussian of the median FWHM.</param>
/// <param name="Stars">The stars kept.</param>
/// <param name="MedianFwhmPixels">Median FWHM of the kept stars.</param>
public sealed record PsfEstimate(Psf Psf, IReadOnlyList<PsfStar> Stars, double MedianFwhmPixels);
