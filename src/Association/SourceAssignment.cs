namespace Apdb.Association;

/// <summary>The DiaObject a DiaSource ends up in.</summary>
/// <param name="DiaSourceId">The source id.</param>
/// <param name="DiaObjectId">The object id (the source's own id for a new object); null when dropped.</param>
/// <param name="Outcome">Matched, new object or dropped.</param>
public readonly record struct SourceAssignment(long DiaSourceId, long? DiaObjectId, SourceOutcome Outcome);
