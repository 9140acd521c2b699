using Apdb.Records;
using Apdb.Sky;
using Npgsql;

namespace Apdb.Sharded;

public sealed partial class ShardedApdb
{
    /// <summary>
    /// The current version of every DiaObject in the region, read from the shards the region's pixel coverage touches,
    /// at once (the same rows as <see cref="ApdbStore.GetDiaObjectsAsync"/> on one server), in pixelId then id order.
    /// </summary>
    public async Task<IReadOnlyList<DiaObjectLast>> GetDiaObjectsAsync(ISkyRegion region, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(region);
        var parts = await OnShardsAsync(ShardsOf(region), (i, _) => _stores[i].GetDiaObjectsAsync(region, cancellationToken));
        return [.. parts.SelectMany(p => p).OrderBy(o => o.PixelId).ThenBy(o => o.DiaObjectId)];
    }

    /// <summary>The DiaSources in the region in Rubin's window (see <see cref="ApdbStore.GetDiaSourcesAsync(ISkyRegion, double, int, CancellationToken)"/>).</summary>
    public async Task<IReadOnlyList<DiaSource>> GetDiaSourcesAsync(ISkyRegion region, double visitMjdTai, int months = 12, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(region);
        var parts = await OnShardsAsync(ShardsOf(region), (i, _) => _stores[i].GetDiaSourcesAsync(region, visitMjdTai, months, cancellationToken));
        return [.. parts.SelectMany(p => p).OrderBy(s => s.PixelId).ThenBy(s => s.DiaSourceId)];
    }

    /// <summary>The DiaSources of the given DiaObjects in Rubin's window, from every shard (an object's sources may straddle a cut).</summary>
    public async Task<IReadOnlyList<DiaSource>> GetDiaSourcesAsync(IReadOnlyCollection<long> diaObjectIds, double visitMjdTai, int months = 12, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(diaObjectIds);
        if (diaObjectIds.Count == 0)
        {
            return [];
        }

        var parts = await OnShardsAsync(AllShards, (i, _) => _stores[i].GetDiaSourcesAsync(diaObjectIds, visitMjdTai, months, cancellationToken));
        return [.. parts.SelectMany(p => p).OrderBy(s => s.DiaSourceId)];
    }

    /// <summary>The DiaForcedSources in the region in Rubin's window.</summary>
    public async Task<IReadOnlyList<DiaForcedSource>> GetDiaForcedSourcesAsync(ISkyRegion region, double visitMjdTai, int months = 12, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(region);
        var parts = await OnShardsAsync(ShardsOf(region), (i, _) => _stores[i].GetDiaForcedSourcesAsync(region, visitMjdTai, months, cancellationToken));
        return [.. parts.SelectMany(p => p).OrderBy(f => f.PixelId).ThenBy(f => f.DiaObjectId).ThenBy(f => f.Visit).ThenBy(f => f.Detector)];
    }

    /// <summary>The DiaForcedSources of the given DiaObjects in Rubin's window, from every shard.</summary>
    public async Task<IReadOnlyList<DiaForcedSource>> GetDiaForcedSourcesAsync(IReadOnlyCollection<long> diaObjectIds, double visitMjdTai, int months = 12, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(diaObjectIds);
        if (diaObjectIds.Count == 0)
        {
            return [];
        }

        var parts = await OnShardsAsync(AllShards, (i, _) => _stores[i].GetDiaForcedSourcesAsync(diaObjectIds, visitMjdTai, months, cancellationToken));
        return [.. parts.SelectMany(p => p).OrderBy(f => f.DiaObjectId).ThenBy(f => f.Visit).ThenBy(f => f.Detector)];
    }

    /// <summary>
    /// Whether the detector-visit has been stored: its registry row is on exactly one shard (the store's home shard),
    /// committed after every other shard's part of it.
    /// </summary>
    public async Task<bool> ContainsVisitDetectorAsync(DetectorVisit detectorVisit, CancellationToken cancellationToken = default)
    {
        var found = await OnShardsAsync(AllShards, (i, _) => _stores[i].ContainsVisitDetectorAsync(detectorVisit, cancellationToken));
        return found.Any(f => f);
    }

    /// <summary>The shards a region's pixel coverage touches.</summary>
    public IReadOnlyList<int> ShardsOf(ISkyRegion region)
    {
        ArgumentNullException.ThrowIfNull(region);
        return Layout.ShardsOf(region.Coverage());
    }

    private int[] AllShards => [.. Enumerable.Range(0, _shards.Length)];

    private static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
