namespace Apdb.Association;

/// <summary>What happened to a DiaSource in association.</summary>
public enum SourceOutcome
{
    /// <summary>Associated with an existing DiaObject.</summary>
    Matched = 0,

    /// <summary>Unmatched and clean: it founds a new DiaObject with diaObjectId = diaSourceId.</summary>
    NewObject = 1,

    /// <summary>Unmatched with a bad flag: it neither matches nor founds an object.</summary>
    Dropped = 2,
}
