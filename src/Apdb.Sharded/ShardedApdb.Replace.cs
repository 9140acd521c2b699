using Npgsql;

namespace Apdb.Sharded;

public sealed partial class ShardedApdb
{
    /// <summary>
    /// What a replacing store of <paramref name="dv"/> removes, read from every shard (its rows lie where their positions
    /// are), or null when the detector-visit is not stored. The caller holds the detector-visit's lock.
    /// </summary>
    private async Task<ReplacedVisit?> ReadReplacedAsync(DetectorVisit dv, CancellationToken cancellationToken)
    {
        var registered = await OnShardsAsync(AllShards, async (_, dataSource) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var command = VisitCommand(connection, "SELECT \"visitMjdTai\" FROM apdb_visit_detector WHERE visit = @v AND detector = @d", dv);
            return await command.ExecuteScalarAsync(cancellationToken) is double t ? t : (double?)null;
        });
        var registryShard = Array.FindIndex(registered, t => t.HasValue);
        if (registryShard < 0)
        {
            return null;
        }

        var rows = await OnShardsAsync(AllShards, async (_, dataSource) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var sources = VisitCommand(connection, "SELECT \"diaSourceId\", \"diaObjectId\" FROM \"DiaSource\" WHERE visit = @v AND detector = @d", dv);
            var found = await ReadAllAsync(sources, r => (SourceId: r.GetInt64(0), ObjectId: r.IsDBNull(1) ? (long?)null : r.GetInt64(1)), cancellationToken);
            await using var forced = VisitCommand(connection, "SELECT EXISTS (SELECT 1 FROM \"DiaForcedSource\" WHERE visit = @v AND detector = @d)", dv);
            return (Sources: found, Forced: await forced.ExecuteScalarAsync(cancellationToken) is true);
        });

        var sourceRows = rows.SelectMany(r => r.Sources).ToList();
        return new ReplacedVisit(
            dv,
            registryShard,
            registered[registryShard]!.Value,
            [.. sourceRows.Where(s => s.ObjectId.HasValue).Select(s => s.ObjectId!.Value).Distinct().Order()],
            [.. sourceRows.Select(s => s.SourceId)],
            [.. Enumerable.Range(0, rows.Length).Where(i => rows[i].Sources.Count > 0 || rows[i].Forced)]);
    }

    private static NpgsqlCommand VisitCommand(NpgsqlConnection connection, string sql, DetectorVisit dv)
    {
        var command = Command(connection, sql);
        command.Parameters.AddWithValue("v", dv.Visit);
        command.Parameters.AddWithValue("d", dv.Detector);
        return command;
    }
}
