namespace Apdb.Pipeline;

/// <summary>
/// Completeness on new objects against the simulation's truth: the true transients that first became detectable
/// (truth S/N &gt;= <see cref="NewObjectScorer.MinTruthSnr"/>) on a detector-visit the run processed, never during the
/// history.
/// </summary>
/// <param name="Transients">New transients: detectable on a processed detector-visit, at no history visit.</param>
/// <param name="WithDiaObject">Of those, how many had a DiaSource (within the radius) given a DiaObject.</param>
/// <param name="LaterSources">Their DiaSources after the first one that got a DiaObject.</param>
/// <param name="LaterOnSameObject">Of those, how many were associated to that same DiaObject.</param>
public readonly record struct NewObjectScore(int Transients, int WithDiaObject, int LaterSources, int LaterOnSameObject)
{
    /// <summary>The fraction of new transients that got a DiaObject; null when there were none.</summary>
    public double? Completeness => Transients > 0 ? (double)WithDiaObject / Transients : null;

    /// <summary>The fraction of their later DiaSources associated to their first DiaObject; null when there were none.</summary>
    public double? LaterAssociation => LaterSources > 0 ? (double)LaterOnSameObject / LaterSources : null;
}
