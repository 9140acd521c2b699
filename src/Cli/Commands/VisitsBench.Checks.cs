using Npgsql;

namespace Apdb.Cli.Commands;

internal sealed partial class VisitsBench
{
    /// <summary>What the checks after the run found; every count but <see cref="RegisteredDetectorVisits"/> must be 0.</summary>
    internal sealed record Checks(
        long DiaObjectsWithTwoOpenVersions, long DiaObjectLastMismatches, long DuplicateDiaSourceIds, long RegistryMismatches,
        long PackedMismatches, long RegisteredDetectorVisits, int StoredDetectorVisits)
    {
        public List<string> Violations { get; } = [];

        public bool Passed => Violations.Count == 0;
    }

    /// <summary>
    /// The store's invariants over what the run touched (the checks of tests/Shared/ApdbInvariants, limited to the run's
    /// visits and their objects through the indexes, so they stay cheap on a large APDB): no DiaObject with two open
    /// versions, DiaObjectLast holding exactly the open versions, no diaSourceId stored twice, and a registry row for
    /// each stored detector-visit whose counts are the rows stored (never ahead of the data); and the run's rows in the
    /// packed preload companions exactly the server's packing of its wide rows, one each.
    /// </summary>
    private static async Task<Checks> CheckAsync(NpgsqlDataSource dataSource, long[] visits, int storedDetectorVisits, CancellationToken ct)
    {
        const string RunObjects = "SELECT \"diaObjectId\" FROM \"DiaSource\" WHERE visit = ANY(@visits) AND \"diaObjectId\" IS NOT NULL";
        var twoOpen = await CountAsync(dataSource,
            $"SELECT count(*) FROM (SELECT 1 FROM \"DiaObject\" WHERE \"validityEndMjdTai\" IS NULL AND \"diaObjectId\" IN ({RunObjects}) GROUP BY \"diaObjectId\" HAVING count(*) > 1) d",
            visits, ct);
        var lastMismatch = await CountAsync(dataSource,
            $"SELECT count(*) FROM (SELECT DISTINCT \"diaObjectId\" FROM ({RunObjects}) r) r " +
            "LEFT JOIN \"DiaObjectLast\" l USING (\"diaObjectId\") " +
            "LEFT JOIN \"DiaObject\" o ON o.\"diaObjectId\" = r.\"diaObjectId\" AND o.\"validityEndMjdTai\" IS NULL " +
            "WHERE l.\"diaObjectId\" IS NULL OR o.\"diaObjectId\" IS NULL OR l.\"validityStartMjdTai\" IS DISTINCT FROM o.\"validityStartMjdTai\" " +
            "OR l.\"nDiaSources\" IS DISTINCT FROM o.\"nDiaSources\"",
            visits, ct);
        var duplicateSources = await CountAsync(dataSource,
            "SELECT count(*) FROM (SELECT 1 FROM \"DiaSource\" WHERE \"diaSourceId\" IN (SELECT \"diaSourceId\" FROM \"DiaSource\" WHERE visit = ANY(@visits)) " +
            "GROUP BY \"diaSourceId\" HAVING count(*) > 1) d",
            visits, ct);
        var registry = await CountAsync(dataSource,
            "SELECT count(*) FROM apdb_visit_detector r WHERE r.visit = ANY(@visits) AND (" +
            "r.\"nDiaSources\" <> (SELECT count(*) FROM \"DiaSource\" s WHERE s.visit = r.visit AND s.detector = r.detector) OR " +
            "r.\"nDiaForcedSources\" <> (SELECT count(*) FROM \"DiaForcedSource\" f WHERE f.visit = r.visit AND f.detector = r.detector))",
            visits, ct);
        var packed = await CountAsync(dataSource,
            "SELECT (SELECT count(*) FROM (SELECT s.\"diaSourceId\", apdb_pack_diasource(s) AS packed FROM \"DiaSource\" s WHERE s.visit = ANY(@visits)) w " +
            "FULL JOIN (SELECT \"diaSourceId\", packed FROM \"DiaSourcePacked\" WHERE visit = ANY(@visits)) p USING (\"diaSourceId\") " +
            "WHERE w.packed IS DISTINCT FROM p.packed) + " +
            "(SELECT count(*) FROM (SELECT f.\"diaObjectId\", f.visit, f.detector, apdb_pack_diaforcedsource(f) AS packed FROM \"DiaForcedSource\" f WHERE f.visit = ANY(@visits)) w " +
            "FULL JOIN (SELECT \"diaObjectId\", visit, detector, packed FROM \"DiaForcedSourcePacked\" WHERE visit = ANY(@visits)) p USING (\"diaObjectId\", visit, detector) " +
            "WHERE w.packed IS DISTINCT FROM p.packed)",
            visits, ct);
        var registered = await CountAsync(dataSource, "SELECT count(*) FROM apdb_visit_detector WHERE visit = ANY(@visits)", visits, ct);
        var checks = new Checks(twoOpen, lastMismatch, duplicateSources, registry, packed, registered, storedDetectorVisits);
        Add(checks, twoOpen, "DiaObjects with two open versions");
        Add(checks, lastMismatch, "DiaObjectLast rows that are not the open version");
        Add(checks, duplicateSources, "diaSourceIds stored more than once");
        Add(checks, registry, "registered detector-visits whose counts differ from the rows stored");
        Add(checks, packed, "stored rows whose packed preload row is missing, extra or different");
        Add(checks, registered - storedDetectorVisits, "registered detector-visits more or fewer than the stores that succeeded");
        return checks;
    }

    private static void Add(Checks checks, long count, string what)
    {
        if (count != 0)
        {
            checks.Violations.Add($"{what}: {count}");
        }
    }

    private static async Task<long> CountAsync(NpgsqlDataSource dataSource, string sql, long[] visits, CancellationToken ct)
    {
        // No timeout: on a large APDB a check over many visits' rows may run for minutes, and it must finish.
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        command.Parameters.Add(new NpgsqlParameter<long[]>("visits", visits));
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
