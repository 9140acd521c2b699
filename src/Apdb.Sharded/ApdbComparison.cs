using System.Globalization;
using Npgsql;

namespace Apdb.Sharded;

/// <summary>
/// Compares two APDBs by query: the SQL functions around a field and every row of the DIA tables, each side reduced to
/// a row count and the md5 of every row's text in a fixed order. Used to show that a sharded APDB (through its
/// coordinator) holds exactly what one server holds after the same work.
/// </summary>
public static class ApdbComparison
{
    /// <summary>
    /// The column <c>apdb run</c> fills from the clock (when the pipeline processed a row): two runs of the same work
    /// differ there and nowhere else, so a comparison of two runs leaves it out.
    /// </summary>
    public const string ProcessingTimeColumn = "timeProcessedMjdTai";

    /// <summary>
    /// Runs every comparison query on both APDBs. <paramref name="ignoredColumns"/> are left out of every row's text.
    /// </summary>
    public static async Task<IReadOnlyList<ApdbComparisonResult>> CompareAsync(
        NpgsqlDataSource first, NpgsqlDataSource second, double ra, double dec, IReadOnlyCollection<string>? ignoredColumns = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var result = new List<ApdbComparisonResult>();
        foreach (var (name, sql) in Queries(ra, dec, ignoredColumns ?? []))
        {
            var a = await ScalarAsync(first, sql, cancellationToken);
            var b = await ScalarAsync(second, sql, cancellationToken);
            result.Add(new ApdbComparisonResult(name, a, b));
        }

        return result;
    }

    /// <summary>The queries: (name, SQL returning 'count md5'). The row alias is <c>cmp</c>: DiaSource has columns named x and y.</summary>
    public static IReadOnlyList<(string Name, string Sql)> Queries(double ra, double dec, IReadOnlyCollection<string> ignoredColumns)
    {
        ArgumentNullException.ThrowIfNull(ignoredColumns);
        var r = ra.ToString("R", CultureInfo.InvariantCulture);
        var d = dec.ToString("R", CultureInfo.InvariantCulture);
        var minus = string.Concat(ignoredColumns.Select(c => $" - '{c.Replace("'", "''", StringComparison.Ordinal)}'"));
        string Digest(string order) => $"SELECT count(*) || ' ' || md5(coalesce(string_agg((to_jsonb(cmp){minus})::text, '|' ORDER BY {order}), ''))";
        return
        [
            ("dia_objects_in_cone 0.3 deg", $"{Digest("cmp.\"diaObjectId\"")} FROM dia_objects_in_cone({r}, {d}, 0.3) cmp"),
            ("dia_sources_in_cone 0.2 deg, all time", $"{Digest("cmp.\"diaSourceId\"")} FROM dia_sources_in_cone({r}, {d}, 0.2, 0, 1e6) cmp"),
            ("light_curve of the objects of the 200 newest DiaSources",
                $"{Digest($"(to_jsonb(cmp){minus})::text")} FROM (SELECT (light_curve(id)).* FROM (SELECT DISTINCT \"diaObjectId\" AS id FROM " +
                "(SELECT \"diaObjectId\" FROM \"DiaSource\" WHERE \"diaObjectId\" IS NOT NULL ORDER BY \"midpointMjdTai\" DESC, \"diaSourceId\" DESC LIMIT 200) n) o) cmp"),
            ("DiaObject versions (every column)", $"{Digest("cmp.\"diaObjectId\", cmp.\"validityStartMjdTai\"")} FROM \"DiaObject\" cmp"),
            ("DiaObjectLast (every column)", $"{Digest("cmp.\"diaObjectId\"")} FROM \"DiaObjectLast\" cmp"),
            ("DiaSource (every column)", $"{Digest("cmp.\"diaSourceId\"")} FROM \"DiaSource\" cmp"),
            ("DiaForcedSource (every column)", $"{Digest("cmp.\"diaObjectId\", cmp.visit, cmp.detector")} FROM \"DiaForcedSource\" cmp"),
            ("registry", "SELECT count(*) || ' ' || md5(coalesce(string_agg(concat_ws(' ', visit, detector, \"visitMjdTai\", \"nDiaObjects\", \"nDiaSources\", \"nDiaForcedSources\"), '|' ORDER BY visit, detector), '')) FROM apdb_visit_detector"),
        ];
    }

    private static async Task<string> ScalarAsync(NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 600;
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
