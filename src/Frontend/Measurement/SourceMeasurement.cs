namespace Apdb.Frontend.Measurement;

/// <summary>
/// One measured source, in image units and pixels: centroid and errors, PSF flux (Rubin's unweighted estimator),
/// aperture flux, detection S/N, Gaussian-weighted second moments corrected for the weight (pixels^2), flags.
/// </summary>
public sealed record SourceMeasurement
{
    /// <summary>Centroid x (0-based).</summary>
    public required double X { get; init; }

    /// <summary>Centroid y.</summary>
    public required double Y { get; init; }

    /// <summary>Centroid error in x, pixels.</summary>
    public required double XErr { get; init; }

    /// <summary>Centroid error in y, pixels.</summary>
    public required double YErr { get; init; }

    /// <summary>PSF flux: sum(P D) / sum(P^2).</summary>
    public required double PsfFlux { get; init; }

    /// <summary>sqrt(sum(P^2 V)) / sum(P^2).</summary>
    public required double PsfFluxErr { get; init; }

    /// <summary>sum((D - f P)^2 / V) over the stamp.</summary>
    public required double PsfChi2 { get; init; }

    /// <summary>Pixels used in the PSF fit.</summary>
    public required int PsfNdata { get; init; }

    /// <summary>Flux in a circular aperture.</summary>
    public required double ApFlux { get; init; }

    /// <summary>Aperture flux error.</summary>
    public required double ApFluxErr { get; init; }

    /// <summary>Detection S/N (matched filter at the peak; negative for negative sources).</summary>
    public required double Snr { get; init; }

    /// <summary>Second moment xx, pixels^2.</summary>
    public required double Ixx { get; init; }

    /// <summary>Second moment yy, pixels^2.</summary>
    public required double Iyy { get; init; }

    /// <summary>Second moment xy, pixels^2.</summary>
    public required double Ixy { get; init; }

    /// <summary>Flags.</summary>
    public required MeasurementFlags Flags { get; init; }

    /// <summary>OR of the mask bits under the PSF stamp.</summary>
    public required int StampMask { get; init; }

    /// <summary>Mask bits of the central pixel.</summary>
    public required int CenterMask { get; init; }

    /// <summary>Longer side of the footprint's bounding box.</summary>
    public required int BboxSize { get; init; }

    /// <summary>The detection this came from.</summary>
    public required Detection.DetectedPeak Peak { get; init; }
}
