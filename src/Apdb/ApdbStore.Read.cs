using Apdb.Records;
using Apdb.Sky;
using Npgsql;

namespace Apdb;

public sealed partial class ApdbStore
{
    /// <summary>Decodes one packed row (<see cref="PackedRows"/>).</summary>
    private delegate T PackedDecoder<out T>(ReadOnlySpan<byte> packed);

    /// <summary>
    /// The current version of every DiaObject in the region (from DiaObjectLast, through the pixelId index: at most
    /// 64 pixel ranges), filtered exactly by the region.
    /// </summary>
    public async Task<IReadOnlyList<DiaObjectLast>> GetDiaObjectsAsync(ISkyRegion region, CancellationToken cancellationToken = default)
    {
        Preconditions.NotNull(region);
        var parameters = PixelRangeParameters(region);
        if (parameters is null)
        {
            return [];
        }

        var rows = await QueryAsync(DiaObjectLastInRangesSql, parameters, DiaObjectLast.ReadRow, cancellationToken, prepare: true);
        return [.. rows.Where(o => region.Contains(SkyPosition.FromDegrees(o.Ra, o.Dec)))];
    }

    /// <summary>
    /// The DiaSources in the region whose <c>midpointMjdTai</c> is later than <paramref name="visitMjdTai"/> minus
    /// <paramref name="months"/> 30-day months (Rubin's window; no upper bound), filtered exactly by the region. Read
    /// from the packed companion <c>DiaSourcePacked</c> (one datum a row instead of 104; see <see cref="PackedRows"/>).
    /// </summary>
    public Task<IReadOnlyList<DiaSource>> GetDiaSourcesAsync(ISkyRegion region, double visitMjdTai, int months = 12, CancellationToken cancellationToken = default) =>
        InRegionAsync("DiaSourcePacked", PackedRows.ReadDiaSource, s => SkyPosition.FromDegrees(s.Ra, s.Dec), region, visitMjdTai, months, cancellationToken);

    /// <summary>The DiaSources of the given DiaObjects in Rubin's time window. An empty id list gives an empty result.</summary>
    public Task<IReadOnlyList<DiaSource>> GetDiaSourcesAsync(IReadOnlyCollection<long> diaObjectIds, double visitMjdTai, int months = 12, CancellationToken cancellationToken = default) =>
        ByObjectIdsAsync("DiaSourcePacked", PackedRows.ReadDiaSource, diaObjectIds, visitMjdTai, months, cancellationToken);

    /// <summary>The DiaForcedSources in the region, in Rubin's time window, filtered exactly by the region (from <c>DiaForcedSourcePacked</c>).</summary>
    public Task<IReadOnlyList<DiaForcedSource>> GetDiaForcedSourcesAsync(ISkyRegion region, double visitMjdTai, int months = 12, CancellationToken cancellationToken = default) =>
        InRegionAsync("DiaForcedSourcePacked", PackedRows.ReadDiaForcedSource, s => SkyPosition.FromDegrees(s.Ra, s.Dec), region, visitMjdTai, months, cancellationToken);

    /// <summary>The DiaForcedSources of the given DiaObjects in Rubin's time window. An empty id list gives an empty result.</summary>
    public Task<IReadOnlyList<DiaForcedSource>> GetDiaForcedSourcesAsync(IReadOnlyCollection<long> diaObjectIds, double visitMjdTai, int months = 12, CancellationToken cancellationToken = default) =>
        ByObjectIdsAsync("DiaForcedSourcePacked", PackedRows.ReadDiaForcedSource, diaObjectIds, visitMjdTai, months, cancellationToken);

    /// <summary>
    /// The rows of a packed companion table in the region (through the pixelId index) whose <c>midpointMjdTai</c> is in
    /// Rubin's window, filtered exactly by the region.
    /// </summary>
    private async Task<IReadOnlyList<T>> InRegionAsync<T>(
        string table, PackedDecoder<T> read, Func<T, SkyPosition> position, ISkyRegion region, double visitMjdTai, int months, CancellationToken cancellationToken)
    {
        Preconditions.NotNull(region);
        var start = WindowStart(visitMjdTai, months);
        var parameters = PixelRangeParameters(region);
        if (parameters is null)
        {
            return [];
        }

        parameters.Add(new NpgsqlParameter<double>("start", start));
        var rows = await QueryPackedAsync(PackedInRegionSql(table), parameters, read, cancellationToken, prepare: true);
        return [.. rows.Where(r => region.Contains(position(r)))];
    }

    private async Task<IReadOnlyList<T>> ByObjectIdsAsync<T>(
        string table, PackedDecoder<T> read, IReadOnlyCollection<long> diaObjectIds, double visitMjdTai, int months, CancellationToken cancellationToken)
    {
        Preconditions.NotNull(diaObjectIds);
        var start = WindowStart(visitMjdTai, months);
        if (diaObjectIds.Count == 0)
        {
            return [];
        }

        List<NpgsqlParameter> parameters =
        [
            new NpgsqlParameter<double>("start", start),
            new NpgsqlParameter<long[]>("ids", diaObjectIds.Distinct().ToArray()),
        ];
        var sql = $"SELECT packed FROM \"{table}\" WHERE \"midpointMjdTai\" > @start AND \"diaObjectId\" = ANY(@ids)";
        return await QueryPackedAsync(sql, parameters, read, cancellationToken);
    }

    /// <summary>
    /// Runs a query and materialises its rows with the record's generated typed reader: reads by ordinal, no boxing (a
    /// mapper that boxes every value costs more than the server's work on a 104-column DiaSource row).
    /// </summary>
    private async Task<List<T>> QueryAsync<T>(
        string sql, List<NpgsqlParameter> parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken, bool prepare = false)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }

        if (prepare)
        {
            // Kept on the physical connection by the pool: parsed once a connection, and after PostgreSQL's five
            // custom plans a generic one when it costs less, so a region read stops planning every partition.
            await command.PrepareAsync(cancellationToken);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>
    /// Runs a query whose one column is a packed row and decodes each row from a buffer reused across rows (no
    /// per-row array).
    /// </summary>
    private Task<List<T>> QueryPackedAsync<T>(
        string sql, List<NpgsqlParameter> parameters, PackedDecoder<T> read, CancellationToken cancellationToken, bool prepare = false)
    {
        var buffer = new byte[1024];
        return QueryAsync(sql, parameters, reader =>
        {
            var length = (int)reader.GetBytes(0, 0, null, 0, 0);
            if (length > buffer.Length)
            {
                buffer = new byte[Math.Max(length, 2 * buffer.Length)];
            }

            reader.GetBytes(0, 0, buffer, 0, length);
            return read(buffer.AsSpan(0, length));
        }, cancellationToken, prepare);
    }

    private static double WindowStart(double visitMjdTai, int months)
    {
        Preconditions.Finite(visitMjdTai);
        Preconditions.InRange(months, 0, 1200);
        return visitMjdTai - (months * DaysPerMonth);
    }

    // A region read's ranges arrive as two arrays joined to the table, so the statement's text is the same for every
    // region: one prepared statement a connection, not one plan of every partition against each OR'ed range a call.
    private const string RangesRelation = "unnest(@lo, @hi) AS r(lo, hi)";

    private static readonly string DiaObjectLastInRangesSql =
        $"SELECT {string.Join(", ", DiaObjectLast.ColumnNames.Select(c => "o." + Quote(c)))} FROM {RangesRelation} JOIN \"DiaObjectLast\" o ON {InRange("o")}";

    /// <summary>
    /// The region read of a packed table, with parameters <c>lo</c>, <c>hi</c> (<see cref="PixelRangeParameters"/>)
    /// and <c>start</c>. It takes only the columns its pixelId index carries (migration 0018), so it can be an
    /// index-only scan.
    /// </summary>
    internal static string PackedInRegionSql(string table) =>
        $"SELECT p.packed FROM {RangesRelation} JOIN \"{table}\" p ON {InRange("p")} WHERE p.\"midpointMjdTai\" > @start";

    private static string InRange(string alias) => $"{alias}.\"pixelId\" >= r.lo AND {alias}.\"pixelId\" < r.hi";

    /// <summary>
    /// The region's coverage as the parameters <c>lo</c> and <c>hi</c>: arrays of the starts and ends of its half-open
    /// pixelId ranges, which are disjoint, so the join gives each row once (Rubin's SQL backend writes its HTM ranges
    /// into the text, OR'ed). Null for an empty coverage.
    /// </summary>
    internal static List<NpgsqlParameter>? PixelRangeParameters(ISkyRegion region)
    {
        var ranges = region.Coverage().Ranges;
        if (ranges.Count == 0)
        {
            return null;
        }

        var lo = new long[ranges.Count];
        var hi = new long[ranges.Count];
        for (var i = 0; i < ranges.Count; i++)
        {
            lo[i] = ranges[i].Start;
            hi[i] = ranges[i].End;
        }

        return [new NpgsqlParameter<long[]>("lo", lo), new NpgsqlParameter<long[]>("hi", hi)];
    }
}
