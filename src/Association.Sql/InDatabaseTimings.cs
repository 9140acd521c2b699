namespace Apdb.Association.Sql;

/// <summary>Where an in-database candidate search spent its time, in seconds.</summary>
/// <param name="StageSeconds">Pixel hashing, ranges, binary COPY of both catalogs, VACUUM ANALYZE.</param>
/// <param name="IndexSeconds">Building the index on the objects.</param>
/// <param name="QuerySeconds">The join, with the candidate pairs read back.</param>
public readonly record struct InDatabaseTimings(double StageSeconds, double IndexSeconds, double QuerySeconds)
{
    /// <summary>The whole search: staging, index and query.</summary>
    public double TotalSeconds => StageSeconds + IndexSeconds + QuerySeconds;
}
