namespace Apdb.ForcedPhot;

/// <summary>The sums one PSF-amplitude fit needs, over the good pixels of a stamp.</summary>
/// <param name="PsfData">sum P D.</param>
/// <param name="PsfPsf">sum P^2 (good pixels).</param>
/// <param name="PsfPsfVariance">sum P^2 V.</param>
/// <param name="PsfDataWeighted">sum P D / V.</param>
/// <param name="PsfPsfWeighted">sum P^2 / V.</param>
/// <param name="Good">number of good pixels.</param>
public readonly record struct PsfFitSums(double PsfData, double PsfPsf, double PsfPsfVariance, double PsfDataWeighted, double PsfPsfWeighted, double Good);
