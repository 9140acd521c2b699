namespace Apdb.Simulation.Rendering;

/// <summary>What was drawn on a rendered science image (and its template) at one position.</summary>
/// <param name="Kind">Static star, variable, transient, transient host or moving object.</param>
/// <param name="Index">Index in the truth's list of that kind (static stars: index in the star list).</param>
/// <param name="RaDeg">Right ascension, degrees.</param>
/// <param name="DecDeg">Declination, degrees.</param>
/// <param name="X">Science-image x (0-based, in the rendered window's pixels).</param>
/// <param name="Y">Science-image y.</param>
/// <param name="ScienceFluxNjy">Flux in the science image, nJy.</param>
/// <param name="TemplateFluxNjy">Flux in the template, nJy.</param>
public readonly record struct TruthSource(RenderedKind Kind, int Index, double RaDeg, double DecDeg, double X, double Y, double ScienceFluxNjy, double TemplateFluxNjy)
{
    /// <summary>Science minus template flux: what a perfect difference image shows.</summary>
    public double DifferenceFluxNjy => ScienceFluxNjy - TemplateFluxNjy;
}
