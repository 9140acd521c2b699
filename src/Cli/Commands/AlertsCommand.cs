using System.CommandLine;
using System.Globalization;
using Apdb.Alerts;
using Apdb.Imaging;
using Avro.Generic;

namespace Apdb.Cli.Commands;

/// <summary>
/// <c>alerts show FILE [--limit N]</c>: prints the packets of an alert file (<c>.avro</c> container or Confluent frames)
/// readably, one block per packet; with the global <c>--json</c>, one JSON object holding every field of every packet
/// (cutouts summarised as their size and image shape).
/// </summary>
internal static class AlertsCommand
{
    public static void AddTo(RootCommand root) => root.Subcommands.Add(new Command("alerts", "Read alert files written by `run --alerts` and `demo`") { Show() });

    private static Command Show()
    {
        var file = new Argument<string>("FILE") { Description = "An alert file (.avro Object Container File or .confluent frames)" };
        var limit = new Option<int>("--limit") { Description = "Print at most this many packets (text output; 0 = all)", DefaultValueFactory = _ => 0 };
        var command = new Command("show", "Print the alert packets of a file") { file, limit };
        CommandRunner.SetAction(command, (parse, context, _) =>
        {
            var path = parse.GetValue(file)!;
            var n = parse.GetValue(limit);
            if (n < 0)
            {
                throw new ApdbUserException($"alerts show: --limit {n} is negative");
            }

            IReadOnlyList<GenericRecord> packets;
            AlertFormat format;
            try
            {
                packets = AlertFileReader.Read(path);
                format = AlertFileReader.Detect(path);
            }
            catch (AlertException ex)
            {
                throw new ApdbUserException($"alerts show: {ex.Message}", ex);
            }

            if (context.Json)
            {
                context.WriteJson(new
                {
                    file = Path.GetFullPath(path),
                    format = format.ToString().ToLowerInvariant(),
                    schema = $"lsst.v10_0.alert ({AlertSchema.Version})",
                    packets = packets.Select(p => ToJson(p)),
                });
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: {packets.Count} alert packet(s), {format.ToString().ToLowerInvariant()} format, schema lsst.v10_0.alert"));
                foreach (var packet in n > 0 ? packets.Take(n) : packets)
                {
                    Print(packet);
                }
            }

            return Task.FromResult(CommandRunner.Success);
        });
        return command;
    }

    private static void Print(GenericRecord packet)
    {
        var source = (GenericRecord)packet["diaSource"];
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(inv,
            $"alert diaSourceId {packet["diaSourceId"]}: visit {source["visit"]} detector {source["detector"]} band {source["band"] ?? "-"} mjd {source["midpointMjdTai"]:F5}"));
        Console.WriteLine(string.Create(inv,
            $"  diaSource  ra {source["ra"]:F6} dec {source["dec"]:F6}  x {source["x"]:F1} y {source["y"]:F1}  psfFlux {Num(source["psfFlux"])} +- {Num(source["psfFluxErr"])} nJy  snr {Num(source["snr"])}  reliability {Num(source["reliability"])}"));
        if (packet["diaObject"] is GenericRecord o)
        {
            Console.WriteLine(string.Create(inv,
                $"  diaObject  {o["diaObjectId"]}  ra {o["ra"]:F6} dec {o["dec"]:F6}  nDiaSources {o["nDiaSources"]}  first {Num(o["firstDiaSourceMjdTai"])} last {Num(o["lastDiaSourceMjdTai"])}"));
        }
        else
        {
            Console.WriteLine("  diaObject  (none)");
        }

        var prv = packet["prvDiaSources"] as object[] ?? [];
        var forced = packet["prvDiaForcedSources"] as object[] ?? [];
        Console.WriteLine(string.Create(inv, $"  prvDiaSources {prv.Length}{Span(prv)}  prvDiaForcedSources {forced.Length}{Span(forced)}"));
        Console.WriteLine($"  cutouts    difference {Cutout(packet["cutoutDifference"])}, science {Cutout(packet["cutoutScience"])}, template {Cutout(packet["cutoutTemplate"])}");
    }

    private static string Span(object[] rows)
    {
        if (rows.Length == 0)
        {
            return "";
        }

        var times = rows.Cast<GenericRecord>().Select(r => (double)r["midpointMjdTai"]).ToList();
        return string.Create(CultureInfo.InvariantCulture, $" (mjd {times.Min():F3}-{times.Max():F3})");
    }

    private static string Num(object? value) => value switch
    {
        null => "null",
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        double d => d.ToString("G10", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Cutout(object? value)
    {
        if (value is not byte[] bytes)
        {
            return "none";
        }

        var (width, height, extensions) = Shape(bytes);
        return string.Create(CultureInfo.InvariantCulture, $"{width}x{height} FITS ({extensions} HDUs, {bytes.Length:N0} bytes)");
    }

    /// <summary>The primary image's shape and the HDU count of a cutout; zeros when the bytes are not FITS.</summary>
    private static (int Width, int Height, int Hdus) Shape(byte[] fits)
    {
        try
        {
            using var stream = new MemoryStream(fits, writable: false);
            var hdus = FitsFile.ReadHeaders(stream, "cutout");
            var axes = hdus[0].Axes;
            return (axes.Count > 0 ? axes[0] : 0, axes.Count > 1 ? axes[1] : 0, hdus.Count);
        }
        catch (FitsException)
        {
            return (0, 0, 0);
        }
    }

    private static Dictionary<string, object?> ToJson(GenericRecord record)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in record.Schema.Fields)
        {
            result[field.Name] = Value(record.GetValue(field.Pos));
        }

        return result;
    }

    private static object? Value(object? value) => value switch
    {
        GenericRecord r => ToJson(r),
        object[] items => items.Select(Value).ToList(),
        byte[] bytes => CutoutJson(bytes),
        _ => value,
    };

    private static object CutoutJson(byte[] bytes)
    {
        var (width, height, hdus) = Shape(bytes);
        return new { format = "fits", bytes = bytes.Length, width, height, hdus };
    }
}
