using Apdb.Frontend.Detection;
using Apdb.Frontend.Measurement;
using Apdb.Imaging;

namespace Apdb.Frontend;

/// <summary>
/// Background, detection and measurement on any FITS image (the <c>apdb detect</c> path): the image is read with
/// <see cref="ExposureFits"/> (mesh background subtracted; VARIANCE/MASK extensions used when present, else the
/// variance is estimated), the PSF estimated from its stars (a Gaussian of <see cref="FallbackFwhmPixels"/> when none
/// qualifies), cosmic rays masked (pixels sharper than the PSF), then detection at the threshold and measurement. Every input problem is a <see cref="FitsException"/>
/// whose message names the file.
/// </summary>
public sealed class ImageDetector
{
    /// <summary>Detection threshold, sigma.</summary>
    public double Threshold { get; init; } = 5.0;

    /// <summary>Also detect negative sources.</summary>
    public bool BothSigns { get; init; }

    /// <summary>Image HDU (null: the first 2-D image).</summary>
    public int? Hdu { get; init; }

    /// <summary>Mask pixels sharper than the PSF allows (cosmic rays) before detection (default on).</summary>
    public bool RejectCosmicRays { get; init; } = true;

    /// <summary>Cosmic-ray pixels flagged by the last <see cref="Run"/>.</summary>
    public int CosmicRayPixels { get; private set; }

    /// <summary>PSF FWHM used when the image has no star fit for the PSF estimator.</summary>
    public double FallbackFwhmPixels { get; init; } = 3.0;

    /// <summary>Reads, detects and measures.</summary>
    public ImageDetectionResult Run(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var loaded = ExposureFits.Read(path, Hdu);
        var exposure = loaded.Exposure;
        var finite = 0L;
        foreach (var v in exposure.Image)
        {
            if (float.IsFinite(v))
            {
                finite++;
            }
        }

        if (finite == 0)
        {
            throw new FitsException($"{path}: every pixel of the image (HDU {loaded.Hdu}) is NaN or infinite");
        }

        if (finite < 64)
        {
            throw new FitsException($"{path}: only {finite} finite pixels in the image (HDU {loaded.Hdu}); at least 64 are needed");
        }

        var sigma = PixelMath.SquareRoots(exposure.Variance);
        string psfNote;
        try
        {
            exposure.Psf = new PsfEstimator().Estimate(exposure.Image, exposure.Width, exposure.Height, sigma, exposure.Mask, (int)MaskPlanes.Unusable).Psf;
            psfNote = exposure.Psf.Description;
        }
        catch (InvalidOperationException ex)
        {
            exposure.Psf = new GaussianPsf(FallbackFwhmPixels);
            psfNote = $"{exposure.Psf.Description} (fallback: {ex.Message})";
        }

        if (RejectCosmicRays)
        {
            CosmicRayPixels = new Calibration.CosmicRayFinder().Run(exposure, exposure.Psf.FwhmPixels);
        }

        var (peaks, snr) = new SourceDetector { Threshold = Threshold, BothSigns = BothSigns }.Detect(exposure, exposure.Psf.FwhmPixels);
        var measured = new SourceMeasurer().Measure(exposure, peaks, snr);
        var calib = exposure.PhotoCalib;
        var parents = ParentIds(measured);
        var rows = measured.Select((m, i) =>
        {
            var sky = exposure.Wcs?.PixelToSky(m.X, m.Y);
            var f = calib?.NanojanskyPerCount ?? 1.0;
            return new DetectedSource(i + 1, m.X, m.Y, sky?.RaDeg ?? double.NaN, sky?.DecDeg ?? double.NaN,
                m.PsfFlux * f, m.PsfFluxErr * f, m.ApFlux * f, m.ApFluxErr * f, m.Snr, m.Ixx, m.Iyy, m.Ixy, m.Flags,
                parents.GetValueOrDefault(m.Peak.FootprintId));
        }).ToList();
        return new ImageDetectionResult(rows, exposure, loaded, psfNote, calib is null ? "image units (no calibration in the header)" : "nJy");
    }

    /// <summary>Ids for the footprints that were deblended, numbered after the last source in order of first appearance.</summary>
    private static Dictionary<int, int> ParentIds(IReadOnlyList<SourceMeasurement> measured)
    {
        var parents = new Dictionary<int, int>();
        foreach (var m in measured)
        {
            if (m.Peak.PeaksInFootprint > 1 && !parents.ContainsKey(m.Peak.FootprintId))
            {
                parents[m.Peak.FootprintId] = measured.Count + parents.Count + 1;
            }
        }

        return parents;
    }
}
