namespace Apdb.Association;

/// <summary>
/// Per-band DiaObject summary (Rubin APDB schema v10 names with the band prefix, e.g. <c>g_psfFluxMean</c>); null is SQL NULL.
/// </summary>
/// <param name="PsfFluxMean">Inverse-variance weighted mean psfFlux.</param>
/// <param name="PsfFluxMeanErr">1/sqrt(sum of weights).</param>
/// <param name="PsfFluxSigma">Sample standard deviation (ddof 1) of psfFlux; null with fewer than 2 points.</param>
/// <param name="PsfFluxNdata">Number of sources with both psfFlux and psfFluxErr present (meas_base's count).</param>
/// <param name="PsfFluxMin">Smallest psfFlux.</param>
/// <param name="PsfFluxMax">Largest psfFlux.</param>
/// <param name="PsfFluxMaxSlope">Largest signed dFlux/dt between time-consecutive points, nJy per day; null with fewer than 2 times.</param>
/// <param name="PsfFluxErrMean">Mean of the present psfFluxErr values of the band.</param>
/// <param name="ScienceFluxMean">Inverse-variance weighted mean scienceFlux.</param>
/// <param name="ScienceFluxMeanErr">1/sqrt(sum of weights) for scienceFlux.</param>
public readonly record struct BandSummary(
    double? PsfFluxMean,
    double? PsfFluxMeanErr,
    double? PsfFluxSigma,
    int PsfFluxNdata,
    double? PsfFluxMin,
    double? PsfFluxMax,
    double? PsfFluxMaxSlope,
    double? PsfFluxErrMean,
    double? ScienceFluxMean,
    double? ScienceFluxMeanErr);
