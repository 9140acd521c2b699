using Apdb.History;

namespace Apdb.Sharded;

/// <summary>
/// Loads a synthetic history into a sharded APDB: every shard at once, each generating the same seeded history and
/// keeping the rows its pixel range owns (<see cref="HistoryPartition"/>); shard 0 also takes the detector-visit
/// registry, so each detector-visit is registered once.
/// </summary>
public static class ShardedHistory
{
    /// <summary>Loads every shard; the summary adds up the shards' rows, and its times are the slowest shard's.</summary>
    public static async Task<HistoryLoadSummary> LoadAsync(
        ShardedApdb apdb, string preset, int months = 12, long seed = 1, bool replace = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(apdb);
        var layout = apdb.Layout;
        var loads = apdb.Shards.Select(async (shard, i) =>
        {
            try
            {
                var partition = new HistoryPartition(layout.Start(i), layout.End(i), Registry: i == 0);
                return await HistoryLoader.LoadPartitionAsync(shard, partition, preset, months, seed, replace, null, cancellationToken);
            }
            catch (ApdbUserException ex) when (!ex.Message.StartsWith("shard ", StringComparison.Ordinal))
            {
                throw new ApdbUserException($"{apdb.NameOf(i)}: {ex.Message}", ex);
            }
        }).ToList();
        var parts = await Task.WhenAll(loads);
        var first = parts[0];
        var rows = first.Rows.Keys.ToDictionary(k => k, k => parts.Sum(p => p.Rows[k]));
        var tables = first.Tables.Keys.ToDictionary(
            k => k, k => new HistoryTableSummary(parts.Sum(p => p.Tables.TryGetValue(k, out var t) ? t.Rows : 0), parts.Max(p => p.Tables.TryGetValue(k, out var t) ? t.CopySeconds : 0)));
        var seconds = new HistoryLoadSeconds(
            parts.Max(p => p.Seconds.Generate), parts.Max(p => p.Seconds.Copy), parts.Max(p => p.Seconds.Index), parts.Max(p => p.Seconds.Total));
        return new HistoryLoadSummary(first.Preset, first.Seed, first.Months, first.AreaDeg2, first.Visits, rows, seconds, tables);
    }
}
