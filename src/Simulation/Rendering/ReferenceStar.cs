namespace Apdb.Simulation.Rendering;

/// <summary>One reference-catalog star: position and flux (nJy) in the visit's band.</summary>
/// <param name="Id">Index in the truth's static-star list.</param>
/// <param name="RaDeg">Right ascension, degrees.</param>
/// <param name="DecDeg">Declination, degrees.</param>
/// <param name="FluxNjy">Flux in the band, nJy.</param>
public readonly record struct ReferenceStar(int Id, double RaDeg, double DecDeg, double FluxNjy);
