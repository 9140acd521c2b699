using Apdb.Imaging;

namespace Apdb.Frontend;

/// <summary>What <see cref="ImageDetector"/> found.</summary>
/// <param name="Sources">The sources.</param>
/// <param name="Exposure">The exposure (background-subtracted, with the PSF used).</param>
/// <param name="Loaded">How the image was read.</param>
/// <param name="Psf">The PSF used.</param>
/// <param name="Units">Flux units.</param>
public sealed record ImageDetectionResult(IReadOnlyList<DetectedSource> Sources, Exposure Exposure, LoadedExposure Loaded, string Psf, string Units);
