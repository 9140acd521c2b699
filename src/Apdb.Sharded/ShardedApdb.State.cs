using Apdb.Records;

namespace Apdb.Sharded;

public sealed partial class ShardedApdb
{
    /// <summary>
    /// Reads, from the shards near the store's rows, what the store needs of its objects (their stored versions, where
    /// their DiaObjectLast rows are, their DiaSources of the window) and refuses DiaSource ids already stored. Runs
    /// outside the write transactions: the object locks keep every other store away from these rows meanwhile.
    /// </summary>
    /// <remarks>
    /// <paramref name="ids"/> are the objects whose versions are read (a replace's too); the summary reloads the sources
    /// of the store's own objects, without the replaced detector-visit's, whose ids may come again.
    /// </remarks>
    private async Task<StoreState> ReadStateAsync(StoreRequest request, IReadOnlyList<int> shards, long[] ids, ReplacedVisit? replaced, CancellationToken cancellationToken)
    {
        var fresh = ObjectIds(request);
        var sourceIds = request.Sources.Select(s => s.DiaSourceId).Where(id => replaced?.DiaSourceIds.Contains(id) != true).ToArray();
        var windowStart = request.VisitMjdTai - (request.Options.HistoryMonths * ApdbStore.DaysPerMonth);
        var parts = await OnShardsAsync(shards, async (i, dataSource) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            if (sourceIds.Length > 0)
            {
                await using var clash = Command(connection, "SELECT \"diaSourceId\" FROM \"DiaSource\" WHERE \"diaSourceId\" = ANY(@ids) LIMIT 1");
                clash.Parameters.AddWithValue("ids", sourceIds);
                if (await clash.ExecuteScalarAsync(cancellationToken) is long id)
                {
                    throw new ApdbUserException($"store of {request.DetectorVisit}: DiaSource {id} already exists in the APDB ({NameOf(i)}); diaSourceId must be unique");
                }
            }

            if (ids.Length == 0)
            {
                return (Versions: new List<StoredVersion>(), Last: new List<long>(), Sources: new List<DiaSource>());
            }

            await using var versions = Command(connection,
                "SELECT \"diaObjectId\", \"validityStartMjdTai\", \"validityEndMjdTai\" FROM \"DiaObject\" WHERE \"diaObjectId\" = ANY(@ids)");
            versions.Parameters.AddWithValue("ids", ids);
            var stored = await ReadAllAsync(versions, r => new StoredVersion(r.GetInt64(0), r.GetDouble(1), r.IsDBNull(2) ? null : r.GetDouble(2), i), cancellationToken);
            await using var last = Command(connection, "SELECT \"diaObjectId\" FROM \"DiaObjectLast\" WHERE \"diaObjectId\" = ANY(@ids)");
            last.Parameters.AddWithValue("ids", ids);
            var lastIds = await ReadAllAsync(last, r => r.GetInt64(0), cancellationToken);
            var sources = request.Summarizer is null || fresh.Length == 0
                ? []
                : await ApdbStore.ReloadSummarySourcesAsync(connection, null, fresh, windowStart, cancellationToken);
            if (replaced is not null)
            {
                sources.RemoveAll(s => replaced.DiaSourceIds.Contains(s.DiaSourceId));
            }

            return (Versions: stored, Last: lastIds, Sources: sources);
        });

        var lastShard = new Dictionary<long, int>();
        for (var k = 0; k < shards.Count; k++)
        {
            foreach (var id in parts[k].Last)
            {
                lastShard[id] = shards[k];
            }
        }

        // A summary may depend on the order of its sources (sums in floating point, ties in time): they are given in
        // the order one server's reload by the diaObjectId index returns them, object by object and oldest id first.
        var sources = parts.SelectMany(p => p.Sources).OrderBy(s => s.DiaObjectId).ThenBy(s => s.DiaSourceId).ToList();
        return new StoreState([.. parts.SelectMany(p => p.Versions)], lastShard, sources);
    }
}
