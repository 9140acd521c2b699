using Apdb.Frontend.Measurement;
using Apdb.Imaging;
using Apdb.Simulation.Rendering;
using Apdb.Sky;

namespace Apdb.Frontend.Calibration;

/// <summary>
/// The zero point: the 3-sigma clipped mean of reference flux (nJy) over PSF flux (electrons) for matched, unflagged,
/// unsaturated stars with S/N 50-1000 (fainter ones bias the mean of a ratio).
/// </summary>
internal sealed class PhotometricCalibrator
{
    /// <summary>Computes the calibration; also returns the number of stars used and the relative error of the factor.</summary>
    /// <exception cref="InvalidOperationException">Fewer than 3 usable stars.</exception>
    public (PhotoCalib Calib, int Stars, double RelativeError) Fit(IReadOnlyList<SourceMeasurement> sources, IReadOnlyList<ReferenceStar> reference, IReadOnlyList<(int Source, int Reference)> pairs)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(pairs);
        const MeasurementFlags Bad = MeasurementFlags.Saturated | MeasurementFlags.Edge | MeasurementFlags.CenterMasked | MeasurementFlags.Deblended | MeasurementFlags.CosmicRay | MeasurementFlags.Bad | MeasurementFlags.PsfFitFailed;
        var ratios = pairs
            .Where(p => (sources[p.Source].Flags & Bad) == 0 && sources[p.Source].PsfFlux > 0
                && sources[p.Source].PsfFlux / sources[p.Source].PsfFluxErr is > 50 and < 1000)
            .Select(p => reference[p.Reference].FluxNjy / sources[p.Source].PsfFlux)
            .Order().ToList();
        if (ratios.Count < 3)
        {
            throw new InvalidOperationException($"only {ratios.Count} matched unsaturated stars with S/N 50-1000 for the zero point");
        }

        var (centre, mad) = Selection.UpperMedianAndMad(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ratios));
        var sigma = 1.4826 * mad;
        for (var iteration = 0; iteration < 5; iteration++)
        {
            var kept = ratios.Where(r => Math.Abs(r - centre) <= 3 * Math.Max(sigma, 1e-6 * centre)).ToList();
            if (kept.Count < 3)
            {
                break;
            }

            centre = kept.Average();
            sigma = Math.Sqrt(kept.Sum(r => (r - centre) * (r - centre)) / Math.Max(1, kept.Count - 1));
            ratios = kept;
        }

        return (new PhotoCalib(centre), ratios.Count, sigma / Math.Sqrt(ratios.Count) / centre);
    }
}
