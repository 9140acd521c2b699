using System.Globalization;
using Apdb.Pipeline;
using Npgsql;

namespace Apdb.Cli.Commands;

/// <summary>
/// What <c>demo</c> prints for a user to try next: real DiaObjects of the loaded sky with their positions, a visit and
/// detector to simulate, and SQL that returns rows. The objects are the ones with the most DiaSources in the history
/// (the simulated sky's variable stars; one-off false positives and movers have one), chosen from the history alone so
/// that the same seed prints the same ids whichever visits the pipeline processed afterwards. The object whose alert
/// cutouts to plot is one the first processed detector-visit detected (alerts exist only for stored DiaSources): of
/// those, the one with the most DiaSources in the history, so the same demo prints the same id.
/// </summary>
internal sealed record DemoExamples(IReadOnlyList<DemoExamples.ObjectExample> Objects, long Visit, int Detector, long? CutoutObject, IReadOnlyList<string> Sql)
{
    /// <summary>One DiaObject: id, position (degrees) and its DiaSources in the history.</summary>
    internal sealed record ObjectExample(long DiaObjectId, double Ra, double Dec, long HistoryDiaSources);

    /// <summary>Reads the examples from the APDB's history; the visit is the first after the history (the first the demo processes).</summary>
    public static async Task<DemoExamples> ReadAsync(NpgsqlDataSource dataSource, LoadedSurvey survey, CancellationToken ct)
    {
        var historyEnd = survey.NewVisits.Count > 0 ? survey.NewVisits[0].MidpointMjdTai : double.MaxValue;
        var objects = new List<ObjectExample>();
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var command = new NpgsqlCommand(
            "SELECT s.\"diaObjectId\", o.ra, o.dec, s.n FROM (SELECT \"diaObjectId\", count(*) AS n FROM \"DiaSource\" " +
            "WHERE \"midpointMjdTai\" < @end GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 3) s JOIN \"DiaObjectLast\" o USING (\"diaObjectId\") ORDER BY s.n DESC, 1",
            connection))
        {
            command.Parameters.AddWithValue("end", historyEnd);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                objects.Add(new ObjectExample(reader.GetInt64(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetInt64(3)));
            }
        }

        var visit = survey.NewVisits[0];
        var detector = survey.DetectorsOnRegion(visit, 1)[0];
        var cutoutObject = await DetectedObjectAsync(dataSource, visit.VisitId, detector, historyEnd, ct);
        return new DemoExamples(objects, visit.VisitId, detector, cutoutObject, Queries(objects));
    }

    /// <summary>The DiaObject with the most history DiaSources among those the detector-visit detected, or null when it is not stored.</summary>
    private static async Task<long?> DetectedObjectAsync(NpgsqlDataSource dataSource, long visit, int detector, double historyEnd, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT d.\"diaObjectId\" FROM \"DiaSource\" d WHERE d.visit = @visit AND d.detector = @detector AND d.\"diaObjectId\" IS NOT NULL " +
            "ORDER BY (SELECT count(*) FROM \"DiaSource\" h WHERE h.\"diaObjectId\" = d.\"diaObjectId\" AND h.\"midpointMjdTai\" < @end) DESC, 1 LIMIT 1");
        command.Parameters.AddWithValue("visit", visit);
        command.Parameters.AddWithValue("detector", (short)detector);
        command.Parameters.AddWithValue("end", historyEnd);
        return await command.ExecuteScalarAsync(ct) is long id ? id : null;
    }

    private static List<string> Queries(List<ObjectExample> objects)
    {
        if (objects.Count == 0)
        {
            return ["SELECT count(*) FROM \"DiaObjectLast\";"];
        }

        var o = objects[0];
        return
        [
            string.Create(CultureInfo.InvariantCulture, $"SELECT \"diaObjectId\", ra, dec, \"nDiaSources\" FROM dia_objects_in_cone({o.Ra:F4}, {o.Dec:F4}, 0.01);"),
            string.Create(CultureInfo.InvariantCulture, $"SELECT * FROM light_curve({o.DiaObjectId});"),
            string.Create(CultureInfo.InvariantCulture, $"SELECT \"diaObjectId\", \"validityStartMjdTai\", \"validityEndMjdTai\", \"nDiaSources\", \"r_psfFluxMean\" FROM \"DiaObject\" WHERE \"diaObjectId\" = {o.DiaObjectId} ORDER BY 2;"),
            "SELECT visit, detector, \"nDiaSources\", \"nDiaForcedSources\" FROM apdb_visit_detector ORDER BY \"visitMjdTai\" DESC, detector LIMIT 10;",
        ];
    }

    /// <summary>Prints the examples for a person.</summary>
    public void Print(TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("Try it yourself (the README's examples use these):");
        output.WriteLine("  DiaObjects with the most DiaSources in the history (variable stars of the simulated sky):");
        foreach (var o in Objects)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    diaObjectId {o.DiaObjectId}  ra {o.Ra:F4}  dec {o.Dec:F4}  ({o.HistoryDiaSources} DiaSources)"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  a visit and detector to simulate: --visit {Visit} --detector {Detector}"));
        if (CutoutObject is { } cutoutObject)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  a DiaObject that visit detected, with alert cutouts: ./apdb plot cutouts {cutoutObject}"));
        }

        output.WriteLine("  SQL for `./apdb sql '...'` or `./apdb psql`:");
        foreach (var sql in Sql)
        {
            output.WriteLine("    " + sql);
        }
    }
}
