using Apdb.Records;
using Apdb.Sky;
using Npgsql;

namespace Apdb;

public sealed partial class ApdbStore
{
    /// <summary>
    /// The DiaSource columns a store reloads for <see cref="IDiaObjectSummarizer"/>: what a DiaObject summary reads.
    /// The other properties of the reloaded rows keep their defaults.
    /// </summary>
    public static IReadOnlyList<string> SummaryColumns { get; } =
        ["diaSourceId", "diaObjectId", "midpointMjdTai", "band", "ra", "dec", "raErr", "decErr", "psfFlux", "psfFluxErr", "scienceFlux", "scienceFluxErr"];

    internal static readonly string[] DiaObjectLastFromDiaObject = [.. DiaObjectLast.ColumnNames];

    // Each new version ends where the next version starts, stored or staged; a window over the staging table (no
    // correlated scan of it) and one PK probe of DiaObject per row.
    private static readonly string ChainNewVersionsSql =
        "UPDATE \"stage_DiaObject\" s SET \"validityEndMjdTai\" = LEAST(" +
        "(SELECT min(p.\"validityStartMjdTai\") FROM \"DiaObject\" p WHERE p.\"diaObjectId\" = s.\"diaObjectId\" AND p.\"validityStartMjdTai\" > s.\"validityStartMjdTai\"), n.next) " +
        "FROM (SELECT \"diaObjectId\", \"validityStartMjdTai\", lead(\"validityStartMjdTai\") OVER (PARTITION BY \"diaObjectId\" ORDER BY \"validityStartMjdTai\") AS next " +
        "FROM \"stage_DiaObject\") n WHERE n.\"diaObjectId\" = s.\"diaObjectId\" AND n.\"validityStartMjdTai\" = s.\"validityStartMjdTai\"";

    // After the new versions are in: each one's predecessor (found by one PK probe) ends at the new version's start.
    private static readonly string ClosePredecessorsSql =
        "WITH pred AS (SELECT s.\"diaObjectId\" AS id, s.\"validityStartMjdTai\" AS start, (SELECT max(p.\"validityStartMjdTai\") FROM \"DiaObject\" p " +
        "WHERE p.\"diaObjectId\" = s.\"diaObjectId\" AND p.\"validityStartMjdTai\" < s.\"validityStartMjdTai\") AS previous FROM \"stage_DiaObject\" s) " +
        "UPDATE \"DiaObject\" o SET \"validityEndMjdTai\" = pred.start FROM pred " +
        "WHERE o.\"diaObjectId\" = pred.id AND o.\"validityStartMjdTai\" = pred.previous AND o.\"validityEndMjdTai\" IS DISTINCT FROM pred.start";

    private static readonly string UpsertLastSql =
        $"INSERT INTO \"DiaObjectLast\" ({ColumnList(DiaObjectLastFromDiaObject)}) SELECT {ColumnList(DiaObjectLastFromDiaObject)} FROM \"stage_DiaObject\" " +
        "WHERE \"validityEndMjdTai\" IS NULL ON CONFLICT (\"diaObjectId\") DO UPDATE SET " +
        string.Join(", ", DiaObjectLastFromDiaObject.Where(c => c != "diaObjectId").Select(c => $"{Quote(c)} = EXCLUDED.{Quote(c)}")) +
        " WHERE \"DiaObjectLast\".\"validityStartMjdTai\" <= EXCLUDED.\"validityStartMjdTai\"";

    /// <summary>Copies of the caller's versions, starting at the visit time (validity end and pixelId are the store's).</summary>
    internal static List<DiaObject> VersionsAt(IReadOnlyList<DiaObject> objects, double visitMjdTai) =>
        RowCopy.All(objects, o =>
        {
            o.ValidityStartMjdTai = visitMjdTai;
            o.ValidityEndMjdTai = null;
            o.PixelId = HealpixNested.Hash(HealpixNested.MaxDepth, o.Ra, o.Dec);
        });

    /// <summary>
    /// Summarises the locked objects over every stored DiaSource plus the new ones: a version at the visit time, and the
    /// versions that already start later (an earlier visit stored late) summarised again so they count the new sources.
    /// </summary>
    private static async Task<List<DiaObject>> SummarizeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IDiaObjectSummarizer summarizer, double visitMjdTai,
        IReadOnlyList<DiaSource> newSources, int months, CancellationToken cancellationToken)
    {
        var fresh = newSources.Where(s => s.DiaObjectId.HasValue).ToList();
        var ids = fresh.Select(s => s.DiaObjectId!.Value).Distinct().ToArray();
        if (ids.Length == 0)
        {
            return [];
        }

        var window = months * DaysPerMonth;
        var stored = await ReloadSummarySourcesAsync(connection, transaction, ids, visitMjdTai - window, cancellationToken);
        var later = await LaterVersionStartsAsync(connection, transaction, ids, visitMjdTai, cancellationToken);

        var versions = SummarizeAt(summarizer, visitMjdTai, window, stored.Concat(fresh), null);
        foreach (var group in later.GroupBy(v => v.Start))
        {
            var members = group.Select(v => v.Id).ToHashSet();
            versions.AddRange(SummarizeAt(summarizer, group.Key, window, stored.Concat(fresh), members));
        }

        return versions;
    }

    internal static List<DiaObject> SummarizeAt(IDiaObjectSummarizer summarizer, double asOf, double window, IEnumerable<DiaSource> sources, HashSet<long>? only)
    {
        var inWindow = sources.Where(s => s.MidpointMjdTai > asOf - window && s.MidpointMjdTai <= asOf && (only is null || only.Contains(s.DiaObjectId!.Value))).ToList();
        var versions = summarizer.Summarize(asOf, inWindow);
        var result = new List<DiaObject>(versions.Count);
        foreach (var o in versions)
        {
            o.ValidityStartMjdTai = asOf;
            o.ValidityEndMjdTai = null;
            o.PixelId = HealpixNested.Hash(HealpixNested.MaxDepth, o.Ra, o.Dec);
            result.Add(o);
        }

        return result;
    }

    internal static async Task<List<DiaSource>> ReloadSummarySourcesAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, long[] ids, double windowStart, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {ColumnList(SummaryColumns)} FROM \"DiaSource\" WHERE \"diaObjectId\" = ANY(@ids) AND \"midpointMjdTai\" > @start",
            connection, transaction);
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("start", windowStart);
        // Prepared, like the clash check: a custom plan of an id array against every monthly partition is planned
        // element by element, partition by partition, on each store.
        await command.PrepareAsync(cancellationToken);
        var rows = new List<DiaSource>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new DiaSource
            {
                DiaSourceId = reader.GetInt64(0),
                DiaObjectId = reader.GetInt64(1),
                MidpointMjdTai = reader.GetDouble(2),
                Band = reader.IsDBNull(3) ? null : reader.GetString(3),
                Ra = reader.GetDouble(4),
                Dec = reader.GetDouble(5),
                RaErr = NullableFloat(reader, 6),
                DecErr = NullableFloat(reader, 7),
                PsfFlux = NullableFloat(reader, 8),
                PsfFluxErr = NullableFloat(reader, 9),
                ScienceFlux = NullableFloat(reader, 10),
                ScienceFluxErr = NullableFloat(reader, 11),
            });
        }

        return rows;
    }

    private static float? NullableFloat(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFloat(ordinal);

    private static async Task<List<(long Id, double Start)>> LaterVersionStartsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long[] ids, double visitMjdTai, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT \"diaObjectId\", \"validityStartMjdTai\" FROM \"DiaObject\" WHERE \"diaObjectId\" = ANY(@ids) AND \"validityStartMjdTai\" > @t",
            connection, transaction);
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("t", visitMjdTai);
        var later = new List<(long, double)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            later.Add((reader.GetInt64(0), reader.GetDouble(1)));
        }

        return later;
    }

    /// <summary>
    /// Writes versions into the objects' histories, which the caller has locked: a version replaces one that starts at
    /// the same time, ends where the next stored version starts, and closes its predecessor at its own start; the
    /// newest version of each object becomes its DiaObjectLast row unless a newer one is there already.
    /// </summary>
    /// <returns>Versions written, and earlier versions whose validity end was set.</returns>
    private static async Task<(int Inserted, int Closed)> WriteVersionsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DiaObject> versions, CancellationToken cancellationToken)
    {
        if (versions.Count == 0)
        {
            return (0, 0);
        }

        await StageAsync(connection, transaction, "DiaObject", DiaObjectColumns.Names, versions, DiaObjectColumns.WriteCopyRow, cancellationToken);
        await ExecuteAsync(connection, transaction,
            "DELETE FROM \"DiaObject\" o USING \"stage_DiaObject\" s WHERE o.\"diaObjectId\" = s.\"diaObjectId\" AND o.\"validityStartMjdTai\" = s.\"validityStartMjdTai\"",
            cancellationToken);
        await ExecuteAsync(connection, transaction, ChainNewVersionsSql, cancellationToken);
        await ExecuteAsync(connection, transaction,
            $"INSERT INTO \"DiaObject\" ({ColumnList(DiaObject.ColumnNames)}) SELECT {ColumnList(DiaObject.ColumnNames)} FROM \"stage_DiaObject\"",
            cancellationToken);
        var closed = await ExecuteAsync(connection, transaction, ClosePredecessorsSql, cancellationToken);
        await ExecuteAsync(connection, transaction, UpsertLastSql, cancellationToken);
        return (versions.Count, closed);
    }

    /// <summary>
    /// Removes a stored detector-visit before it is written again: its sources, forced sources and the versions it
    /// started; the histories of its objects are chained again and their DiaObjectLast rows rebuilt from them.
    /// </summary>
    private static async Task DeleteDetectorVisitAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DetectorVisit detectorVisit, double previousTime, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        await using (var deleteSources = new NpgsqlCommand(
            "DELETE FROM \"DiaSource\" WHERE visit = @v AND detector = @d RETURNING \"diaObjectId\"", connection, transaction))
        {
            deleteSources.Parameters.AddWithValue("v", detectorVisit.Visit);
            deleteSources.Parameters.AddWithValue("d", detectorVisit.Detector);
            await using var reader = await deleteSources.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!reader.IsDBNull(0))
                {
                    ids.Add(reader.GetInt64(0));
                }
            }
        }

        var idArray = ids.Distinct().Order().ToArray();
        await LockObjectsAsync(connection, transaction, idArray, cancellationToken);
        foreach (var table in new[] { "DiaForcedSource", "DiaSourcePacked", "DiaForcedSourcePacked" })
        {
            await ExecuteAsync(connection, transaction, $"DELETE FROM \"{table}\" WHERE visit = @v AND detector = @d", cancellationToken,
                ("v", detectorVisit.Visit), ("d", detectorVisit.Detector));
        }

        await ExecuteAsync(connection, transaction, "DELETE FROM \"DiaObject\" WHERE \"diaObjectId\" = ANY(@ids) AND \"validityStartMjdTai\" = @t", cancellationToken,
            ("ids", idArray), ("t", previousTime));
        await ExecuteAsync(connection, transaction,
            "UPDATE \"DiaObject\" o SET \"validityEndMjdTai\" = n.next FROM (SELECT \"diaObjectId\", \"validityStartMjdTai\", " +
            "lead(\"validityStartMjdTai\") OVER (PARTITION BY \"diaObjectId\" ORDER BY \"validityStartMjdTai\") AS next FROM \"DiaObject\" WHERE \"diaObjectId\" = ANY(@ids)) n " +
            "WHERE o.\"diaObjectId\" = n.\"diaObjectId\" AND o.\"validityStartMjdTai\" = n.\"validityStartMjdTai\" AND o.\"validityEndMjdTai\" IS DISTINCT FROM n.next",
            cancellationToken, ("ids", idArray));
        await ExecuteAsync(connection, transaction, "DELETE FROM \"DiaObjectLast\" WHERE \"diaObjectId\" = ANY(@ids)", cancellationToken, ("ids", idArray));
        var last = ColumnList(DiaObjectLastFromDiaObject);
        await ExecuteAsync(connection, transaction,
            $"INSERT INTO \"DiaObjectLast\" ({last}) SELECT {last} FROM \"DiaObject\" WHERE \"diaObjectId\" = ANY(@ids) AND \"validityEndMjdTai\" IS NULL",
            cancellationToken, ("ids", idArray));
        await ExecuteAsync(connection, transaction, "DELETE FROM apdb_visit_detector WHERE visit = @v AND detector = @d", cancellationToken,
            ("v", detectorVisit.Visit), ("d", detectorVisit.Detector));
    }
}
