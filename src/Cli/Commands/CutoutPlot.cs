using System.CommandLine;
using System.Globalization;
using Apdb.Alerts;
using Apdb.Imaging;
using Avro.Generic;
using ScottPlot;

namespace Apdb.Cli.Commands;

/// <summary>
/// <c>plot cutouts ID [--source ID] [--alerts DIR] [--out FILE.png]</c>: the science, template and difference cutouts of
/// a DiaObject's latest alert (or of the alert of one DiaSource) side by side in one PNG. The stamps are the FITS cutouts
/// the alert packets carry, read from the alert files <c>demo</c> and <c>run --alerts DIR</c> write: what a broker
/// receiving the alert sees. Science and template share one zscale stretch so they compare; the difference has a
/// symmetric stretch around zero. Each panel has a colour bar in the cutout's unit and marks the DiaSource's centroid.
/// </summary>
internal static class CutoutPlot
{
    /// <summary>Where <c>demo</c> writes its alerts unless told otherwise.</summary>
    private static readonly string DefaultAlerts = Path.Combine("artifacts", "demo", "alerts");

    public static Command Create()
    {
        var id = new Argument<long>("diaObjectId") { Description = "The DiaObject (apdb demo prints one with cutouts)" };
        var source = new Option<long?>("--source") { Description = "Plot the alert of this DiaSource of the object (default: its latest)" };
        var alerts = new Option<string>("--alerts") { Description = "Directory of alert files (.avro or .confluent)", DefaultValueFactory = _ => DefaultAlerts };
        var output = new Option<string?>("--out") { Description = "PNG file (default: cutouts-ID.png)" };
        var command = new Command("cutouts", "Science, template and difference cutouts of a DiaObject's latest alert, as one PNG") { id, source, alerts, output };
        CommandRunner.SetAction(command, (parse, context, _) =>
        {
            var objectId = parse.GetValue(id);
            var path = parse.GetValue(output) ?? $"cutouts-{objectId}.png";
            CheckPng(path);
            var packet = FindAlert(parse.GetValue(alerts)!, objectId, parse.GetValue(source));
            var panels = ReadPanels(packet);
            var (science, difference) = Save(path, objectId, packet, panels);
            var s = (GenericRecord)packet["diaSource"];
            if (context.Json)
            {
                context.WriteJson(new
                {
                    diaObjectId = objectId,
                    diaSourceId = (long)packet["diaSourceId"],
                    visit = (long)s["visit"],
                    detector = (int)s["detector"],
                    band = s["band"] as string,
                    midpointMjdTai = (double)s["midpointMjdTai"],
                    width = panels[0].Stamp.Width,
                    height = panels[0].Stamp.Height,
                    unit = panels[0].Stamp.Unit,
                    scienceLimits = new[] { science.Min, science.Max },
                    differenceLimits = new[] { difference.Min, difference.Max },
                    output = Path.GetFullPath(path),
                });
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"DiaObject {objectId}: cutouts of DiaSource {packet["diaSourceId"]} (visit {s["visit"]} detector {s["detector"]} band {s["band"] ?? "-"}, {panels[0].Stamp.Width}x{panels[0].Stamp.Height} pixels) -> {path}"));
            }

            return Task.FromResult(CommandRunner.Success);
        });
        return command;
    }

    private sealed record Panel(string Title, CutoutStamp Stamp);

    private static void CheckPng(string path)
    {
        if (!path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApdbUserException($"plot cutouts: --out {path}: the plot is a PNG; give a name ending .png");
        }

        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } dir && !Directory.Exists(dir))
        {
            throw new ApdbUserException($"plot cutouts: --out {path}: the directory {dir} does not exist");
        }
    }

    /// <summary>The object's alert: the one of <paramref name="sourceId"/>, else the one of its latest DiaSource.</summary>
    private static GenericRecord FindAlert(string directory, long objectId, long? sourceId)
    {
        if (!Directory.Exists(directory))
        {
            throw new ApdbUserException($"plot cutouts: --alerts {directory}: no such directory; `apdb demo` writes alerts there, `apdb run --alerts DIR` where you say");
        }

        var files = Directory.GetFiles(directory, "*.avro").Concat(Directory.GetFiles(directory, "*.confluent")).Order(StringComparer.Ordinal).ToList();
        GenericRecord? best = null;
        var packets = 0;
        var others = new SortedSet<long>();
        foreach (var file in files)
        {
            foreach (var packet in ReadAlerts(file))
            {
                packets++;
                var s = (GenericRecord)packet["diaSource"];
                var owner = s["diaObjectId"] as long?;
                if (sourceId is { } wanted && (long)packet["diaSourceId"] == wanted)
                {
                    return owner == objectId
                        ? packet
                        : throw new ApdbUserException($"plot cutouts: --source {wanted} belongs to DiaObject {owner?.ToString(CultureInfo.InvariantCulture) ?? "none"}, not {objectId}");
                }

                if (owner != objectId)
                {
                    if (owner is { } o && others.Count < 5)
                    {
                        others.Add(o);
                    }

                    continue;
                }

                if (sourceId is null && (best is null || Later(s, (GenericRecord)best["diaSource"])))
                {
                    best = packet;
                }
            }
        }

        if (sourceId is { } missing)
        {
            throw new ApdbUserException($"plot cutouts: no alert for DiaSource {missing} in {directory} ({Count(packets, "packet")} in {Count(files.Count, "file")})");
        }

        return best ?? throw new ApdbUserException(
            $"plot cutouts: DiaObject {objectId} has no alert in {directory} ({Count(packets, "packet")} in {Count(files.Count, "file")}); alerts are written for the DiaSources a run stores" +
            (others.Count > 0 ? $", e.g. of DiaObjects {string.Join(", ", others)}" : ""));
    }

    private static IReadOnlyList<GenericRecord> ReadAlerts(string file)
    {
        try
        {
            return AlertFileReader.Read(file);
        }
        catch (AlertException ex)
        {
            throw new ApdbUserException($"plot cutouts: {ex.Message}", ex);
        }
    }

    private static string Count(int n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? "" : "s")}");

    private static bool Later(GenericRecord a, GenericRecord b)
    {
        var (ta, tb) = ((double)a["midpointMjdTai"], (double)b["midpointMjdTai"]);
        return ta > tb || (ta == tb && (long)a["diaSourceId"] > (long)b["diaSourceId"]);
    }

    private static Panel[] ReadPanels(GenericRecord packet)
    {
        var id = (long)packet["diaSourceId"];
        (string Field, string Title)[] fields = [("cutoutScience", "science"), ("cutoutTemplate", "template"), ("cutoutDifference", "difference")];
        var panels = new Panel[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            if (packet[fields[i].Field] is not byte[] bytes)
            {
                throw new ApdbUserException($"plot cutouts: the alert of DiaSource {id} carries no {fields[i].Title} cutout (a `--frontend catalog` run's alerts hold noise images without a template); `apdb demo` and `apdb run --alerts DIR` with the image front end, their default, write all three");
            }

            try
            {
                panels[i] = new Panel(fields[i].Title, CutoutStamp.Read(bytes, $"{fields[i].Field} of DiaSource {id}"));
            }
            catch (FitsException ex)
            {
                throw new ApdbUserException($"plot cutouts: {ex.Message}", ex);
            }
        }

        return panels;
    }

    /// <summary>Draws the three panels; returns the science/template and difference display limits.</summary>
    private static ((double Min, double Max) Science, (double Min, double Max) Difference) Save(string path, long objectId, GenericRecord packet, Panel[] panels)
    {
        var s = (GenericRecord)packet["diaSource"];
        var science = ZScale.Limits([.. panels[0].Stamp.Pixels, .. panels[1].Stamp.Pixels]);
        var z = ZScale.Limits(panels[2].Stamp.Pixels);
        var half = Math.Max(Math.Abs(z.Min), Math.Abs(z.Max));
        var difference = (-half, half);
        var multiplot = new Multiplot();
        multiplot.AddPlots(panels.Length);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        for (var i = 0; i < panels.Length; i++)
        {
            var isDifference = i == 2;
            DrawPanel(multiplot.GetPlot(i), panels[i], s, isDifference ? difference : science, isDifference);
        }

        var inv = CultureInfo.InvariantCulture;
        multiplot.GetPlot(0).Title(string.Create(inv,
            $"DiaObject {objectId}  DiaSource {packet["diaSourceId"]}\nvisit {s["visit"]} detector {s["detector"]} band {s["band"] ?? "-"}  MJD {(double)s["midpointMjdTai"]:F4}\nscience (zscale, shared with the template)"), 12);
        multiplot.GetPlot(1).Title("template (warped to the science grid)", 12);
        multiplot.GetPlot(2).Title(string.Create(inv,
            $"difference  psfFlux {Num(s["psfFlux"])} ± {Num(s["psfFluxErr"])} {panels[2].Stamp.Unit}\n(symmetric zscale around 0)"), 12);
        multiplot.SavePng(path, 1500, 560);
        return (science, difference);
    }

    private static void DrawPanel(Plot plot, Panel panel, GenericRecord source, (double Min, double Max) limits, bool diverging)
    {
        var stamp = panel.Stamp;

        // A heatmap's first row is drawn at the top; a FITS image's first row is its bottom one.
        var cells = new double[stamp.Height, stamp.Width];
        for (var y = 0; y < stamp.Height; y++)
        {
            for (var x = 0; x < stamp.Width; x++)
            {
                cells[stamp.Height - 1 - y, x] = stamp[x, y];
            }
        }

        var map = plot.Add.Heatmap(cells);
        map.Colormap = diverging ? new ScottPlot.Colormaps.Balance() : new ScottPlot.Colormaps.Grayscale();
        map.ManualRange = new ScottPlot.Range(limits.Min, limits.Max);
        map.NaNCellColor = new Color(255, 200, 0);

        // Cell centres on the exposure's pixel coordinates (0-based, centres on integers), so the axes read as in the
        // image and the source's centroid lands where it was measured.
        map.Position = new CoordinateRect(stamp.X0, stamp.X0 + stamp.Width - 1, stamp.Y0, stamp.Y0 + stamp.Height - 1);
        var bar = plot.Add.ColorBar(map);
        bar.Label = stamp.Unit;
        var marker = plot.Add.Marker((float)source["x"], (float)source["y"], MarkerShape.OpenCircle, 22);
        marker.Color = new Color(230, 0, 0);
        marker.LineWidth = 2;
        plot.XLabel("x (pixel)");
        plot.YLabel(panel.Title == "science" ? "y (pixel)" : "");
        plot.Axes.SquareUnits();
        plot.Axes.SetLimits(stamp.X0 - 0.5, stamp.X0 + stamp.Width - 0.5, stamp.Y0 - 0.5, stamp.Y0 + stamp.Height - 0.5);
    }

    private static string Num(object? value) => value switch
    {
        float f => f.ToString("F0", CultureInfo.InvariantCulture),
        double d => d.ToString("F0", CultureInfo.InvariantCulture),
        _ => "-",
    };
}
