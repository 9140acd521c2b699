using System.Globalization;

namespace Apdb.Alerts.Tests;

/// <summary>Our files, read by Apache Avro's Python library (Debian python3-avro) with Rubin's schema files as the reader schema.</summary>
public sealed class RubinReaderTests : IDisposable
{
    private static readonly DetectorVisit Key = new(7001, 12);
    private readonly string _dir = Directory.CreateTempSubdirectory("alerts-peer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// Parses Rubin's .avsc files in the order their README gives into one name table, then reads the file given: an
    /// Object Container File with its embedded writer schema, or length-prefixed Confluent frames with our .avsc as the
    /// writer schema; Rubin's alert schema is the reader schema either way. Prints one line per packet.
    /// </summary>
    internal const string Script = """
        import io, json, struct, sys
        import avro.datafile, avro.io, avro.schema

        rubin_dir, path, ours = sys.argv[1], sys.argv[2], sys.argv[3]
        names = avro.schema.Names()
        for name in ["diaSource", "diaObject", "diaForcedSource", "ssSource", "ssObject", "mpc_orbits", "alert"]:
            with open(f"{rubin_dir}/lsst.v10_0.{name}.avsc") as f:
                reader_schema = avro.schema.make_avsc_object(json.load(f), names)

        def show(p):
            prv = p["prvDiaSources"] or []
            forced = p["prvDiaForcedSources"] or []
            o = p["diaObject"]
            cut = [len(p[k]) if p[k] is not None else -1 for k in ("cutoutDifference", "cutoutScience", "cutoutTemplate")]
            print(p["diaSourceId"], p["diaSource"]["diaObjectId"], o["diaObjectId"] if o else -1, len(prv), len(forced),
                  len(p["diaSource"]), len(o) if o else -1, " ".join(str(s["diaSourceId"]) for s in prv) or "-", *cut)

        with open(path, "rb") as f:
            head = f.read(4)
            f.seek(0)
            if head == b"Obj\x01":
                for p in avro.datafile.DataFileReader(f, avro.io.DatumReader(readers_schema=reader_schema)):
                    show(p)
            else:
                with open(ours) as s:
                    writer_schema = avro.schema.parse(s.read())
                data = f.read()
                at = 0
                while at < len(data):
                    (n,) = struct.unpack(">i", data[at:at + 4])
                    magic, sid = struct.unpack(">bi", data[at + 4:at + 9])
                    assert magic == 0 and sid == 1000, (magic, sid)
                    decoder = avro.io.BinaryDecoder(io.BytesIO(data[at + 9:at + 4 + n]))
                    show(avro.io.DatumReader(writer_schema, reader_schema).read(decoder))
                    at += 4 + n
        """;

    [AvroPeerTheory]
    [InlineData(AlertFormat.Avro)]
    [InlineData(AlertFormat.Confluent)]
    public void Our_files_read_with_Rubins_schema_as_the_reader_schema(AlertFormat format)
    {
        var packets = AlertFileTests.Packets();
        var (path, _) = new AlertFileWriter(_dir, format).Write(Key, packets);

        var lines = Read(path);

        Assert.Equal(packets.Count, lines.Count);
        for (var i = 0; i < packets.Count; i++)
        {
            var p = packets[i];
            var prv = p.PrvDiaSources.Count == 0 ? "-" : string.Join(" ", p.PrvDiaSources.Select(s => s.DiaSourceId));
            var expected = string.Create(CultureInfo.InvariantCulture,
                $"{p.DiaSourceId} {p.DiaSource.DiaObjectId} {p.DiaObject.DiaObjectId} {p.PrvDiaSources.Count} {p.PrvDiaForcedSources.Count} 98 82 {prv} {p.CutoutDifference!.Length} {p.CutoutScience!.Length} {p.CutoutTemplate!.Length}");
            Assert.Equal(expected, lines[i]);
        }
    }

    /// <summary>Runs <see cref="Script"/> on a file; one output line per packet.</summary>
    internal static List<string> Read(string path)
    {
        var ours = Path.Combine(AvroPeer.RepositoryRoot!, "src", "Alerts", "Schema", "lsst.v10_0.alert.avsc");
        var output = AvroPeer.Python(Script, Path.GetDirectoryName(path)!, AvroPeer.RubinSchemaDir!, path, ours);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim())];
    }
}
