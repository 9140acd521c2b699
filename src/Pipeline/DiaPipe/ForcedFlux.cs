namespace Apdb.Pipeline.DiaPipe;

/// <summary>Forced photometry of one object in one detector-visit, nJy; NaN when not measured.</summary>
/// <param name="PsfFlux">PSF flux on the difference image.</param>
/// <param name="PsfFluxErr">Its error.</param>
/// <param name="ScienceFlux">PSF flux on the calibrated science image.</param>
/// <param name="ScienceFluxErr">Its error.</param>
public readonly record struct ForcedFlux(double PsfFlux, double PsfFluxErr, double ScienceFlux, double ScienceFluxErr);
