using Apdb.Records;

namespace Apdb.Sharded;

/// <summary>
/// Turns a store's new DiaObject versions and rows into per-shard writes with the single-server store's version rules
/// (<see cref="ApdbStore"/>): a new version replaces a stored one with the same start, ends where the next version
/// (stored or new) starts, closes its predecessor at its own start, and becomes DiaObjectLast when it is its object's
/// newest version. Every row goes to the shard that owns its position; an object whose newest position crosses a
/// shard cut has its DiaObjectLast row removed on the old shard and written on the new one.
/// </summary>
internal static class StorePlan
{
    /// <summary>The per-shard writes, and how many stored versions were closed.</summary>
    public static (Dictionary<int, ShardWrites> Writes, int Closed) Build(
        ShardLayout layout, IReadOnlyList<DiaObject> versions, IReadOnlyList<StoredVersion> stored, IReadOnlyDictionary<long, int> lastShard,
        IReadOnlyList<DiaSource> sources, IReadOnlyList<DiaForcedSource> forcedSources)
    {
        var writes = new Dictionary<int, ShardWrites>();
        ShardWrites On(int shard) => writes.TryGetValue(shard, out var w) ? w : writes[shard] = new ShardWrites();

        var storedById = stored.GroupBy(v => v.DiaObjectId).ToDictionary(g => g.Key, g => g.ToList());
        var closed = 0;
        foreach (var group in versions.GroupBy(v => v.DiaObjectId))
        {
            var id = group.Key;
            var fresh = group.OrderBy(v => v.ValidityStartMjdTai).ToList();
            var freshStarts = fresh.Select(v => v.ValidityStartMjdTai).ToHashSet();
            var old = storedById.TryGetValue(id, out var list) ? list : [];
            foreach (var replaced in old.Where(v => freshStarts.Contains(v.Start)))
            {
                On(replaced.Shard).DeleteVersions.Add((id, replaced.Start));
            }

            // The object's history after the store: kept stored versions and new ones, by start.
            var merged = old.Where(v => !freshStarts.Contains(v.Start)).Select(v => (v.Start, Stored: (StoredVersion?)v, Fresh: (DiaObject?)null))
                .Concat(fresh.Select(v => (Start: v.ValidityStartMjdTai, Stored: (StoredVersion?)null, Fresh: (DiaObject?)v)))
                .OrderBy(e => e.Start).ToList();
            for (var k = 0; k < merged.Count; k++)
            {
                if (merged[k].Fresh is not { } version)
                {
                    continue;
                }

                version.ValidityEndMjdTai = k + 1 < merged.Count ? merged[k + 1].Start : null;
                On(layout.ShardOf(version.PixelId)).InsertVersions.Add(version);
                if (k > 0 && merged[k - 1].Stored is { } predecessor && predecessor.End != version.ValidityStartMjdTai)
                {
                    On(predecessor.Shard).CloseVersions.Add((id, predecessor.Start, version.ValidityStartMjdTai));
                    closed++;
                }
            }

            if (merged[^1].Fresh is { } newest)
            {
                if (lastShard.TryGetValue(id, out var shard))
                {
                    On(shard).DeleteLast.Add(id);
                }

                On(layout.ShardOf(newest.PixelId)).InsertLast.Add((id, newest.ValidityStartMjdTai));
            }
        }

        foreach (var s in sources)
        {
            On(layout.ShardOf(s.PixelId)).Sources.Add(s);
        }

        foreach (var f in forcedSources)
        {
            On(layout.ShardOf(f.PixelId)).ForcedSources.Add(f);
        }

        return (writes, closed);
    }

    /// <summary>
    /// The removal of a stored detector-visit that a replacing store rewrites, by the single server's rules (its replace
    /// in <see cref="ApdbStore"/>): the detector-visit's DiaSources, DiaForcedSources and registry row go, so do the
    /// versions its sources' objects started at its time; those objects' histories are chained again and their
    /// DiaObjectLast rows become their newest remaining versions. Returns the writes and the stored versions and
    /// DiaObjectLast shards as they are after the removal, for the store's own plan.
    /// </summary>
    public static (Dictionary<int, ShardWrites> Writes, List<StoredVersion> Versions, Dictionary<long, int> LastShard) Remove(
        ReplacedVisit replaced, IReadOnlyList<StoredVersion> stored, IReadOnlyDictionary<long, int> lastShard)
    {
        var writes = new Dictionary<int, ShardWrites>();
        ShardWrites On(int shard) => writes.TryGetValue(shard, out var w) ? w : writes[shard] = new ShardWrites();

        foreach (var shard in replaced.ShardsWithRows)
        {
            On(shard).DeleteRowsOf = replaced.DetectorVisit;
        }

        On(replaced.RegistryShard).DeleteRegistry = replaced.DetectorVisit;
        var oldIds = replaced.DiaObjectIds.ToHashSet();
        var after = stored.Where(v => !oldIds.Contains(v.DiaObjectId)).ToList();
        var last = lastShard.Where(kv => !oldIds.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var group in stored.Where(v => oldIds.Contains(v.DiaObjectId)).GroupBy(v => v.DiaObjectId))
        {
            var id = group.Key;
            var remaining = new List<StoredVersion>();
            foreach (var version in group.OrderBy(v => v.Start))
            {
                if (version.Start == replaced.VisitMjdTai)
                {
                    On(version.Shard).DeleteVersions.Add((id, version.Start));
                }
                else
                {
                    remaining.Add(version);
                }
            }

            for (var k = 0; k < remaining.Count; k++)
            {
                double? end = k + 1 < remaining.Count ? remaining[k + 1].Start : null;
                var version = remaining[k];
                if (version.End != end)
                {
                    On(version.Shard).CloseVersions.Add((id, version.Start, end));
                    version = version with { End = end };
                }

                after.Add(version);
            }

            if (lastShard.TryGetValue(id, out var shardOfLast))
            {
                On(shardOfLast).DeleteLast.Add(id);
            }

            if (remaining.Count > 0)
            {
                var newest = remaining[^1];
                On(newest.Shard).InsertLast.Add((id, newest.Start));
                last[id] = newest.Shard;
            }
        }

        return (writes, after, last);
    }
}
