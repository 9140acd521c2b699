using Apdb.Frontend.Measurement;

namespace Apdb.Frontend;

/// <summary>One source found by <see cref="ImageDetector"/>.</summary>
/// <param name="Id">1-based running id.</param>
/// <param name="X">Centroid x (0-based).</param>
/// <param name="Y">Centroid y (0-based).</param>
/// <param name="Ra">Right ascension (NaN without a WCS), degrees.</param>
/// <param name="Dec">Declination (NaN without a WCS), degrees.</param>
/// <param name="PsfFlux">PSF flux (nJy when calibrated).</param>
/// <param name="PsfFluxErr">PSF flux error.</param>
/// <param name="ApFlux">Aperture flux.</param>
/// <param name="ApFluxErr">Aperture flux error.</param>
/// <param name="Snr">Detection S/N.</param>
/// <param name="Ixx">Second moment, pixels^2.</param>
/// <param name="Iyy">Second moment, pixels^2.</param>
/// <param name="Ixy">Second moment, pixels^2.</param>
/// <param name="Flags">Measurement flags.</param>
/// <param name="Parent">
/// For a deblended child (flag <see cref="MeasurementFlags.Deblended"/>), the id of the footprint it was deblended from,
/// numbered after the last source (the parent is not a row: only children are measured); 0 for a source alone in its footprint.
/// </param>
public readonly record struct DetectedSource(int Id, double X, double Y, double Ra, double Dec, double PsfFlux, double PsfFluxErr,
    double ApFlux, double ApFluxErr, double Snr, double Ixx, double Iyy, double Ixy, MeasurementFlags Flags, int Parent = 0);
