using System.Globalization;
using Apdb.Pipeline;
using Npgsql;

namespace Apdb.Cli.Commands;

/// <summary>
/// What <c>demo</c> prints for a user to try next: real DiaObjects of the loaded sky with their positions, a visit and
/// detector to simulate, and SQL that returns rows. The objects are the ones with the most DiaSources in the history
/// (the simulated sky's variable stars; one-off false positives and movers have one), chosen from the history alone so
/// that the same seed prints the same ids whichever visits the pipeline processed afterwards.
/// </summary>
internal sealed record DemoExamples(IReadOnlyList<DemoExamples.ObjectExample> Objects, long Visit, int Detector, IReadOnlyList<string> Sql)
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
        return new DemoExamples(objects, visit.VisitId, detector, Queries(objects));
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
        output.WriteLine("  SQL for `./apdb sql '...'` or `./apdb psql`:");
        foreach (var sql in Sql)
        {
            output.WriteLine("    " + sql);
        }
    }
}
