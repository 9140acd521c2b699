using System.Globalization;
using System.Text;
using Apdb.Records;
using Apdb.Sky;
using Npgsql;

namespace Apdb;

public sealed partial class ApdbStore
{
    /// <summary>Decodes one packed row (<see cref="PackedRows"/>).</summary>
    private delegate T PackedDecoder<out T>(ReadOnlySpan<byte> packed);

    private static readonly string DiaObjectLastColumns = ColumnList(DiaObjectLast.ColumnNames);

    /// <summary>
    /// The current version of every DiaObject in the region (from DiaObjectLast, through the pixelId index: at most
    /// 64 pixel ranges), filtered exactly by the region.
    /// </summary>
    public async Task<IReadOnlyList<DiaObjectLast>> GetDiaObjectsAsync(ISkyRegion region, CancellationToken cancellationToken = default)
    {
        Preconditions.NotNull(region);
        var (where, parameters) = PixelRangePredicate(region);
        var sql = $"SELECT {DiaObjectLastColumns} FROM \"DiaObjectLast\" WHERE {where}";
        var rows = await QueryAsync(sql, parameters, DiaObjectLast.ReadRow, cancellationToken);
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
        var (where, parameters) = PixelRangePredicate(region);
        parameters.Add(new NpgsqlParameter<double>("start", start));
        var sql = $"SELECT packed FROM \"{table}\" WHERE \"midpointMjdTai\" > @start AND ({where})";
        var rows = await QueryPackedAsync(sql, parameters, read, cancellationToken);
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
    private async Task<List<T>> QueryAsync<T>(string sql, List<NpgsqlParameter> parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
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
    private Task<List<T>> QueryPackedAsync<T>(string sql, List<NpgsqlParameter> parameters, PackedDecoder<T> read, CancellationToken cancellationToken)
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
        }, cancellationToken);
    }

    private static double WindowStart(double visitMjdTai, int months)
    {
        Preconditions.Finite(visitMjdTai);
        Preconditions.InRange(months, 0, 1200);
        return visitMjdTai - (months * DaysPerMonth);
    }

    /// <summary>The region's coverage as OR'ed half-open ranges on pixelId (Rubin's SQL backend does the same with HTM).</summary>
    private static (string Where, List<NpgsqlParameter> Parameters) PixelRangePredicate(ISkyRegion region)
    {
        var coverage = region.Coverage();
        var parameters = new List<NpgsqlParameter>();
        if (coverage.Ranges.Count == 0)
        {
            return ("false", parameters);
        }

        var where = new StringBuilder();
        for (var i = 0; i < coverage.Ranges.Count; i++)
        {
            var range = coverage.Ranges[i];
            if (i > 0)
            {
                where.Append(" OR ");
            }

            var lo = string.Create(CultureInfo.InvariantCulture, $"lo{i}");
            var hi = string.Create(CultureInfo.InvariantCulture, $"hi{i}");
            where.Append(CultureInfo.InvariantCulture, $"(\"pixelId\" >= @{lo} AND \"pixelId\" < @{hi})");
            parameters.Add(new NpgsqlParameter<long>(lo, range.Start));
            parameters.Add(new NpgsqlParameter<long>(hi, range.End));
        }

        return (where.ToString(), parameters);
    }
}
