using System.Globalization;
using Apdb.Records;
using Npgsql;

namespace Apdb.Tests.Shared;

/// <summary>
/// The store's invariants, checked in SQL over a whole APDB; each returns the violations it finds (none is the pass).
/// </summary>
public static class ApdbInvariants
{
    private static readonly string LastColumns = string.Join(", ", DiaObjectLast.ColumnNames.Select(c => $"x.\"{c}\""));

    private static readonly (string Name, string Sql)[] Checks =
    [
        ("objects with two open versions",
            "SELECT \"diaObjectId\"::text FROM \"DiaObject\" WHERE \"validityEndMjdTai\" IS NULL GROUP BY 1 HAVING count(*) > 1"),
        ("versions whose validity end is not the next version's start",
            "SELECT \"diaObjectId\" || '@' || \"validityStartMjdTai\" FROM (SELECT \"diaObjectId\", \"validityStartMjdTai\", \"validityEndMjdTai\", " +
            "\"nDiaSources\", lead(\"validityStartMjdTai\") OVER (PARTITION BY \"diaObjectId\" ORDER BY \"validityStartMjdTai\") AS next FROM \"DiaObject\") v " +
            "WHERE \"validityEndMjdTai\" IS DISTINCT FROM next " +
            // A one-source object retired by the maintenance job: its newest version is closed and it has no DiaObjectLast row.
            "AND NOT (next IS NULL AND \"nDiaSources\" = 1 AND NOT EXISTS (SELECT 1 FROM \"DiaObjectLast\" l WHERE l.\"diaObjectId\" = v.\"diaObjectId\"))"),
        ("DiaObjectLast rows that are not the open version",
            $"SELECT coalesce(l.\"diaObjectId\", o.\"diaObjectId\")::text FROM \"DiaObjectLast\" l FULL JOIN (SELECT * FROM \"DiaObject\" WHERE \"validityEndMjdTai\" IS NULL) o " +
            $"ON o.\"diaObjectId\" = l.\"diaObjectId\" WHERE l.\"diaObjectId\" IS NULL OR o.\"diaObjectId\" IS NULL " +
            $"OR ROW({LastColumns.Replace("x.", "l.", StringComparison.Ordinal)}) IS DISTINCT FROM ROW({LastColumns.Replace("x.", "o.", StringComparison.Ordinal)})"),
        ("diaSourceIds stored more than once",
            "SELECT \"diaSourceId\"::text FROM \"DiaSource\" GROUP BY 1 HAVING count(*) > 1"),
        ("registered detector-visits whose counts differ from the rows stored",
            // Detector-visits older than what the maintenance job dropped keep their registry rows, not their sources.
            "SELECT r.visit || '/' || r.detector FROM apdb_visit_detector r WHERE r.\"visitMjdTai\" >= {droppedBefore} AND r.\"nDiaSources\" <> " +
            "(SELECT count(*) FROM \"DiaSource\" s WHERE s.visit = r.visit AND s.detector = r.detector) " +
            "OR (r.\"nDiaSources\" > 0 AND r.\"nDiaObjects\" = 0 AND EXISTS (SELECT 1 FROM \"DiaSource\" s WHERE s.visit = r.visit AND s.detector = r.detector AND s.\"diaObjectId\" IS NOT NULL))"),
    ];

    // The packed preload companions (migration 0016) mirror the wide tables: one packed row a wide row, with the same
    // keys, holding what the server's own packing of the wide row gives. Not checked where the tables do not exist (a
    // sharded APDB's coordinator: each shard holds its own).
    private static readonly (string Name, string Sql)[] PackedChecks =
    [
        ("DiaSources whose packed row is missing, extra or different",
            "SELECT coalesce(s.\"diaSourceId\", p.\"diaSourceId\")::text FROM \"DiaSource\" s FULL JOIN \"DiaSourcePacked\" p " +
            "ON p.\"diaSourceId\" = s.\"diaSourceId\" AND p.\"midpointMjdTai\" = s.\"midpointMjdTai\" " +
            "WHERE s.\"diaSourceId\" IS NULL OR p.\"diaSourceId\" IS NULL OR p.packed <> apdb_pack_diasource(s) " +
            "OR (p.\"diaObjectId\", p.visit, p.detector, p.\"pixelId\") IS DISTINCT FROM (s.\"diaObjectId\", s.visit, s.detector, s.\"pixelId\")"),
        ("DiaSources packed more than once",
            "SELECT \"diaSourceId\"::text FROM \"DiaSourcePacked\" GROUP BY 1 HAVING count(*) > 1"),
        ("DiaForcedSources whose packed row is missing, extra or different",
            "SELECT concat_ws('/', coalesce(f.\"diaObjectId\", p.\"diaObjectId\"), coalesce(f.visit, p.visit), coalesce(f.detector, p.detector)) " +
            "FROM \"DiaForcedSource\" f FULL JOIN \"DiaForcedSourcePacked\" p " +
            "ON (p.\"diaObjectId\", p.visit, p.detector, p.\"midpointMjdTai\") = (f.\"diaObjectId\", f.visit, f.detector, f.\"midpointMjdTai\") " +
            "WHERE f.\"diaObjectId\" IS NULL OR p.\"diaObjectId\" IS NULL OR p.packed <> apdb_pack_diaforcedsource(f) OR p.\"pixelId\" <> f.\"pixelId\""),
        ("DiaForcedSources packed more than once",
            "SELECT concat_ws('/', \"diaObjectId\", visit, detector) FROM \"DiaForcedSourcePacked\" GROUP BY \"diaObjectId\", visit, detector HAVING count(*) > 1"),
    ];

    /// <summary>Every violation of the structural invariants, as "what: ids".</summary>
    public static async Task<List<string>> ViolationsAsync(NpgsqlDataSource dataSource)
    {
        var found = new List<string>();
        var droppedBefore = await DroppedBeforeAsync(dataSource);
        var packed = (await ColumnAsync(dataSource, "SELECT (to_regclass('\"DiaSourcePacked\"') IS NOT NULL)::text"))[0] == "true";
        foreach (var (name, sql) in packed ? [.. Checks, .. PackedChecks] : Checks)
        {
            var ids = await ColumnAsync(dataSource, sql.Replace("{droppedBefore}", droppedBefore, StringComparison.Ordinal) + " LIMIT 10");
            if (ids.Count > 0)
            {
                found.Add($"{name}: {string.Join(", ", ids)}");
            }
        }

        return found;
    }

    /// <summary>The time before which the maintenance job dropped sources, as SQL ('-Infinity' when it has not).</summary>
    private static async Task<string> DroppedBeforeAsync(NpgsqlDataSource dataSource)
    {
        var hasMetadata = await ColumnAsync(dataSource, "SELECT (to_regclass('metadata') IS NOT NULL)::text");
        var value = hasMetadata[0] == "true"
            ? await ColumnAsync(dataSource, $"SELECT value FROM metadata WHERE name = '{ApdbMaintenance.DroppedBeforeKey}'")
            : [];
        return value.Count == 0
            ? "'-Infinity'::float8"
            : $"'{double.Parse(value[0], CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)}'::float8";
    }

    /// <summary>
    /// Versions whose nDiaSources differs from the number of stored sources of the object in the window ending at the
    /// version's start, among the versions starting at or after <paramref name="since"/>: a summariser that counts the
    /// sources it is given (all of DiaPipe's do) must have been given every stored source of its window.
    /// </summary>
    public static Task<List<string>> SummaryViolationsAsync(NpgsqlDataSource dataSource, double windowDays = 360, double since = double.NegativeInfinity) =>
        ColumnAsync(dataSource,
            "SELECT o.\"diaObjectId\" || '@' || o.\"validityStartMjdTai\" || ' has ' || o.\"nDiaSources\" FROM \"DiaObject\" o WHERE o.\"nDiaSources\" <> " +
            "(SELECT count(*) FROM \"DiaSource\" s WHERE s.\"diaObjectId\" = o.\"diaObjectId\" AND s.\"midpointMjdTai\" > o.\"validityStartMjdTai\" - " +
            windowDays.ToString(CultureInfo.InvariantCulture) + " AND s.\"midpointMjdTai\" <= o.\"validityStartMjdTai\") AND o.\"validityStartMjdTai\" >= " +
            (double.IsNegativeInfinity(since) ? "'-Infinity'" : since.ToString("R", CultureInfo.InvariantCulture)) + " LIMIT 10");

    /// <summary>The APDB's DiaObject histories, sources and registry as text lines, for comparing two APDBs.</summary>
    public static async Task<List<string>> SnapshotAsync(NpgsqlDataSource dataSource)
    {
        var lines = await ColumnAsync(dataSource,
            "SELECT concat_ws(' ', 'v', \"diaObjectId\", \"validityStartMjdTai\", \"validityEndMjdTai\", \"nDiaSources\", \"firstDiaSourceMjdTai\", \"lastDiaSourceMjdTai\", " +
            "round(ra::numeric, 9), round(dec::numeric, 9)) FROM \"DiaObject\" ORDER BY \"diaObjectId\", \"validityStartMjdTai\"");
        lines.AddRange(await ColumnAsync(dataSource,
            "SELECT concat_ws(' ', 'l', \"diaObjectId\", \"validityStartMjdTai\", \"nDiaSources\") FROM \"DiaObjectLast\" ORDER BY \"diaObjectId\""));
        lines.AddRange(await ColumnAsync(dataSource,
            "SELECT concat_ws(' ', 's', \"diaSourceId\", \"diaObjectId\", visit, detector) FROM \"DiaSource\" ORDER BY \"diaSourceId\""));
        lines.AddRange(await ColumnAsync(dataSource,
            "SELECT concat_ws(' ', 'r', visit, detector, \"nDiaSources\") FROM apdb_visit_detector ORDER BY visit, detector"));
        return lines;
    }

    private static async Task<List<string>> ColumnAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
