namespace Apdb;

/// <summary>What one the store methods of <see cref="ApdbStore"/> wrote.</summary>
/// <param name="DetectorVisit">The detector-visit stored.</param>
/// <param name="DiaObjects">DiaObject versions inserted.</param>
/// <param name="DiaObjectsClosed">Previous versions given a validity end.</param>
/// <param name="DiaSources">DiaSources inserted.</param>
/// <param name="DiaForcedSources">DiaForcedSources inserted.</param>
/// <param name="Replaced">Whether an earlier store of the same detector-visit was replaced.</param>
public sealed record StoreResult(DetectorVisit DetectorVisit, int DiaObjects, int DiaObjectsClosed, int DiaSources, int DiaForcedSources, bool Replaced);
