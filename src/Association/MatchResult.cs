namespace Apdb.Association;

/// <summary>The association of one source.</summary>
/// <param name="SourceId">The source id.</param>
/// <param name="ObjectId">The matched object id; null when the source is unmatched.</param>
/// <param name="DistArcsec">Separation in arcseconds (2 asin(chord/2)); NaN when unmatched.</param>
public readonly record struct MatchResult(long SourceId, long? ObjectId, double DistArcsec)
{
    /// <summary>True when the source was matched to an object.</summary>
    public bool IsMatched => ObjectId.HasValue;
}
