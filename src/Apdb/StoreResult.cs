namespace Apdb;

/// <summary>What one store (<see cref="ApdbStore"/>) wrote.</summary>
/// <param name="DetectorVisit">The detector-visit stored.</param>
/// <param name="DiaObjects">DiaObject versions inserted.</param>
/// <param name="DiaObjectsClosed">Previous versions given a validity end.</param>
/// <param name="DiaSources">DiaSources inserted.</param>
/// <param name="DiaForcedSources">DiaForcedSources inserted.</param>
/// <param name="Replaced">Whether an earlier store of the same detector-visit was replaced.</param>
public sealed record StoreResult(DetectorVisit DetectorVisit, int DiaObjects, int DiaObjectsClosed, int DiaSources, int DiaForcedSources, bool Replaced)
{
    /// <summary>
    /// The DiaObject versions written that start at the visit time: what an alert for one of the visit's sources carries.
    /// Their <c>validityEndMjdTai</c> is not read back (it is set in the database when a later version exists).
    /// </summary>
    public IReadOnlyList<Records.DiaObject> Versions { get; init; } = [];
}
