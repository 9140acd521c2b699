using System.CommandLine;
using System.Globalization;
using Apdb.Schema;
using Npgsql;
using ScottPlot;

namespace Apdb.Cli.Commands;

/// <summary>
/// <c>plot light-curve ID [--out FILE.png]</c>: a DiaObject's light curve from the APDB, as <c>light_curve(ID)</c> returns
/// it: difference-image PSF fluxes of its DiaSources (filled) and DiaForcedSources (open) per band with 1-sigma error
/// bars, and the start of each DiaObject version as a dotted line.
/// </summary>
internal static class PlotCommand
{
    private static readonly Dictionary<string, Color> BandColors = new(StringComparer.Ordinal)
    {
        ["u"] = new Color(86, 180, 233), ["g"] = new Color(0, 158, 115), ["r"] = new Color(213, 94, 0),
        ["i"] = new Color(204, 121, 167), ["z"] = new Color(230, 159, 0), ["y"] = new Color(0, 0, 0),
    };

    public static void AddTo(RootCommand root)
    {
        var plot = new Command("plot", "Science plots from the APDB");
        var id = new Argument<long>("diaObjectId") { Description = "The DiaObject (apdb demo prints some)" };
        var output = new Option<string?>("--out") { Description = "PNG file (default: light-curve-ID.png)" };
        var lightCurve = new Command("light-curve", "A DiaObject's DiaSource and forced fluxes per band with error bars, and its version boundaries") { id, output };
        CommandRunner.SetAction(lightCurve, async (parse, context, ct) =>
        {
            var objectId = parse.GetValue(id);
            var path = parse.GetValue(output) ?? $"light-curve-{objectId}.png";
            if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            {
                throw new ApdbUserException($"plot light-curve: --out {path}: the plot is a PNG; give a name ending .png");
            }

            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir && !Directory.Exists(dir))
            {
                throw new ApdbUserException($"plot light-curve: --out {path}: the directory {dir} does not exist");
            }

            var dataSource = await context.GetDataSourceAsync(ApdbRole.Reader, ct);
            await SchemaMigrator.EnsureCurrentAsync(dataSource, ct);
            var points = await ReadPointsAsync(dataSource, objectId, ct);
            if (points.Count == 0)
            {
                throw new ApdbUserException($"plot light-curve: DiaObject {objectId} has no DiaSource or forced source in the APDB (`apdb demo` prints ids to try)");
            }

            var versions = await ReadVersionStartsAsync(dataSource, objectId, ct);
            Save(path, objectId, points, versions);
            if (context.Json)
            {
                context.WriteJson(new { diaObjectId = objectId, diaSources = points.Count(p => p.Forced == false), forcedSources = points.Count(p => p.Forced), versions = versions.Count, bands = points.Select(p => p.Band).Distinct().Order(StringComparer.Ordinal), output = Path.GetFullPath(path) });
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"DiaObject {objectId}: {points.Count(p => !p.Forced)} DiaSources, {points.Count(p => p.Forced)} forced sources in bands {string.Join("", points.Select(p => p.Band).Distinct().Order(StringComparer.Ordinal))}, {versions.Count} versions -> {path}"));
            }

            return CommandRunner.Success;
        });
        plot.Subcommands.Add(lightCurve);
        plot.Subcommands.Add(CutoutPlot.Create());
        root.Subcommands.Add(plot);
    }

    private sealed record Point(bool Forced, double Mjd, string Band, double Flux, double FluxErr);

    private static Task<List<Point>> ReadPointsAsync(NpgsqlDataSource dataSource, long objectId, CancellationToken ct) =>
        ReadRowsAsync(dataSource, "SELECT kind, \"midpointMjdTai\", band, \"psfFlux\", \"psfFluxErr\" FROM light_curve(@id)", objectId,
            reader => !reader.IsDBNull(3),
            reader => new Point(reader.GetString(0) == "forced", reader.GetDouble(1), reader.IsDBNull(2) ? "?" : reader.GetString(2).Trim(),
                Convert.ToDouble(reader.GetValue(3), CultureInfo.InvariantCulture), reader.IsDBNull(4) ? 0 : Convert.ToDouble(reader.GetValue(4), CultureInfo.InvariantCulture)),
            ct);

    private static Task<List<double>> ReadVersionStartsAsync(NpgsqlDataSource dataSource, long objectId, CancellationToken ct) =>
        ReadRowsAsync(dataSource, "SELECT \"validityStartMjdTai\" FROM \"DiaObject\" WHERE \"diaObjectId\" = @id ORDER BY 1", objectId,
            _ => true, reader => reader.GetDouble(0), ct);

    /// <summary>The rows of <paramref name="sql"/> for the object <c>@id</c> that <paramref name="keep"/> accepts, read by <paramref name="read"/>.</summary>
    private static async Task<List<T>> ReadRowsAsync<T>(NpgsqlDataSource dataSource, string sql, long objectId,
        Func<NpgsqlDataReader, bool> keep, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        var rows = new List<T>();
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", objectId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (keep(reader))
            {
                rows.Add(read(reader));
            }
        }

        return rows;
    }

    private static void Save(string path, long objectId, List<Point> points, List<double> versions)
    {
        var plot = new Plot();
        foreach (var start in versions)
        {
            var line = plot.Add.VerticalLine(start, 1, new Color(170, 170, 170));
            line.LinePattern = LinePattern.Dotted;
        }

        if (versions.Count > 0)
        {
            // One legend entry for all the version lines.
            var key = plot.Add.VerticalLine(versions[0], 1, new Color(170, 170, 170));
            key.LinePattern = LinePattern.Dotted;
            key.LegendText = "DiaObject version start";
        }

        foreach (var group in points.GroupBy(p => (p.Band, p.Forced)).OrderBy(g => "ugrizy".IndexOf(g.Key.Band, StringComparison.Ordinal)).ThenBy(g => g.Key.Forced))
        {
            var color = BandColors.GetValueOrDefault(group.Key.Band, new Color(80, 80, 80));
            var xs = group.Select(p => p.Mjd).ToArray();
            var ys = group.Select(p => p.Flux).ToArray();
            var errors = plot.Add.ErrorBar(xs, ys, group.Select(p => p.FluxErr).ToArray());
            errors.Color = color;
            var scatter = plot.Add.ScatterPoints(xs, ys);
            scatter.Color = color;
            scatter.MarkerSize = 7;
            scatter.MarkerShape = group.Key.Forced ? MarkerShape.OpenCircle : MarkerShape.FilledCircle;
            scatter.LegendText = $"{group.Key.Band} {(group.Key.Forced ? "forced" : "DiaSource")}";
        }

        plot.Add.HorizontalLine(0, 1, new Color(0, 0, 0));
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"DiaObject {objectId}: difference-image PSF flux"));
        plot.XLabel("midpointMjdTai (MJD, TAI)");
        plot.YLabel("psfFlux (nJy)");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 1200, 650);
    }
}
