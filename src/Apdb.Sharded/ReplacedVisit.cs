namespace Apdb.Sharded;

/// <summary>
/// A stored detector-visit that a replacing store rewrites: where its registry row is and the visit time it records,
/// the objects and ids of its DiaSources, and the shards that hold any of its DiaSources or DiaForcedSources.
/// </summary>
internal sealed record ReplacedVisit(
    DetectorVisit DetectorVisit, int RegistryShard, double VisitMjdTai, long[] DiaObjectIds, HashSet<long> DiaSourceIds, int[] ShardsWithRows);
