namespace Apdb.Pipeline.DiaPipe;

/// <summary>Row counts of one detector-visit through DiaPipe.</summary>
/// <param name="PreloadedObjects">DiaObjects read for the padded region.</param>
/// <param name="PreloadedSources">DiaSources read.</param>
/// <param name="PreloadedForcedSources">DiaForcedSources read.</param>
/// <param name="DiaSources">DiaSources from the front end.</param>
/// <param name="Matched">Sources associated with an existing DiaObject.</param>
/// <param name="NewObjects">New DiaObjects (diaObjectId = diaSourceId).</param>
/// <param name="Dropped">Unmatched sources the new-object filter rejects (<see cref="NewObjectFilter"/>): no object, not stored.</param>
/// <param name="UpdatedObjects">DiaObject versions written (matched objects' new versions plus new objects).</param>
/// <param name="ForcedTargets">Objects measured by forced photometry.</param>
/// <param name="ForcedSources">DiaForcedSources written.</param>
public readonly record struct DiaPipeCounts(
    int PreloadedObjects,
    int PreloadedSources,
    int PreloadedForcedSources,
    int DiaSources,
    int Matched,
    int NewObjects,
    int Dropped,
    int UpdatedObjects,
    int ForcedTargets,
    int ForcedSources);
