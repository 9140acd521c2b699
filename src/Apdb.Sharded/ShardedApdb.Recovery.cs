using System.Globalization;

namespace Apdb.Sharded;

public sealed partial class ShardedApdb
{
    /// <summary>
    /// Resolves every cross-shard store a crash left prepared but not finished (on any shard): each is committed
    /// where any of its parts' markers committed, rolled back otherwise. Takes each detector-visit's lock first, so a
    /// store still running is waited for, never raced. Returns how many stores were committed and rolled back.
    /// </summary>
    public async Task<(int Committed, int RolledBack)> RecoverAsync(CancellationToken cancellationToken = default)
    {
        var gids = await PreparedAsync($"{GidPrefix}%", cancellationToken);
        var committed = 0;
        var rolledBack = 0;
        foreach (var dv in gids.Select(g => ParseGid(g.Gid)).Distinct())
        {
            await using var locks = await StoreLocks.AcquireAsync(LockServer, dv, [], cancellationToken);
            var (c, r) = await ResolveInDoubtAsync(dv, cancellationToken);
            committed += c;
            rolledBack += r;
        }

        return (committed, rolledBack);
    }

    /// <summary>Finishes the detector-visit's stores left in doubt; the caller holds its lock.</summary>
    private async Task<(int Committed, int RolledBack)> ResolveInDoubtAsync(DetectorVisit dv, CancellationToken cancellationToken)
    {
        var prepared = await PreparedAsync(string.Create(CultureInfo.InvariantCulture, $"{GidPrefix}{dv.Visit}:{dv.Detector}:%"), cancellationToken);
        var committed = 0;
        var rolledBack = 0;
        foreach (var group in prepared.GroupBy(p => p.Gid))
        {
            var gid = group.Key;
            var markers = await OnShardsAsync(AllShards, async (_, dataSource) =>
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var command = Command(connection, "SELECT EXISTS (SELECT 1 FROM apdb_store_part WHERE gid = @g)");
                command.Parameters.AddWithValue("g", gid);
                return await command.ExecuteScalarAsync(cancellationToken) is true;
            });
            var commit = markers.Any(m => m);
            foreach (var (shard, _) in group)
            {
                await OnShardAsync(shard, async _ => await FinishPreparedAsync(shard, gid, commit, cancellationToken));
            }

            if (commit)
            {
                committed++;
            }
            else
            {
                rolledBack++;
            }
        }

        return (committed, rolledBack);
    }

    /// <summary>The prepared transactions of this APDB's databases whose id matches a LIKE pattern, with their shard.</summary>
    private async Task<List<(int Shard, string Gid)>> PreparedAsync(string pattern, CancellationToken cancellationToken)
    {
        var parts = await OnShardsAsync(AllShards, async (i, dataSource) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = Command(connection, "SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND gid LIKE @p ORDER BY gid");
            command.Parameters.AddWithValue("p", pattern);
            // The part's id is the store's id and ":shard"; markers hold the store's id.
            return (await ReadAllAsync(command, r => r.GetString(0), cancellationToken)).Select(g => (i, g[..g.LastIndexOf(':')])).ToList();
        });
        return [.. parts.SelectMany(p => p)];
    }

    private static DetectorVisit ParseGid(string gid)
    {
        var parts = gid.Split(':');
        return new DetectorVisit(long.Parse(parts[1], CultureInfo.InvariantCulture), short.Parse(parts[2], CultureInfo.InvariantCulture));
    }
}
