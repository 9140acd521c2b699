using System.Buffers.Binary;
using System.Reflection;
using Apdb.Records;
using Avro.Generic;

namespace Apdb.Alerts.Tests;

public sealed class AlertFileTests : IDisposable
{
    private static readonly DetectorVisit Key = new(7001, 12);
    private readonly string _dir = Directory.CreateTempSubdirectory("alerts-file-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static List<AlertPacket> Packets()
    {
        const double T = 61000.5;
        var history = new List<DiaSource> { Samples.Source(10, 100, T - 100, seed: 4), Samples.Source(11, 100, T - 50, seed: 5) };
        var forced = new List<DiaForcedSource> { Samples.Forced(20, 100, T - 70), Samples.Forced(21, 200, T - 7, seed: 6) };
        var input = new AlertInput(Key, [Samples.Source(1, 100, T), Samples.Source(2, 200, T, seed: 7)], [Samples.Object(100), Samples.Object(200, seed: 8)],
            history, forced, new AlertImages(Samples.Exposure(), Samples.Exposure(2), Samples.Exposure(3)));
        return [.. new AlertPacketBuilder().Build(input)];
    }

    [Theory]
    [InlineData(AlertFormat.Avro)]
    [InlineData(AlertFormat.Confluent)]
    public void Every_field_of_every_record_reads_back_as_written(AlertFormat format)
    {
        var packets = Packets();
        var (path, bytes) = new AlertFileWriter(_dir, format).Write(Key, packets);

        Assert.Equal(new FileInfo(path).Length, bytes);
        Assert.EndsWith(AlertFileWriter.Extension(format), path, StringComparison.Ordinal);
        Assert.Equal(format, AlertFileReader.Detect(path));
        var read = AlertFileReader.Read(path);
        Assert.Equal(packets.Count, read.Count);
        for (var i = 0; i < packets.Count; i++)
        {
            var (p, r) = (packets[i], read[i]);
            Assert.Equal(p.DiaSourceId, (long)r["diaSourceId"]);
            Assert.Null(r["observation_reason"]);
            Assert.Null(r["ssSource"]);
            Same(p.DiaSource, (GenericRecord)r["diaSource"], AvroRecordEncoder.DiaSourceFields);
            Same(p.DiaObject, (GenericRecord)r["diaObject"], AvroRecordEncoder.DiaObjectFields);
            var prv = (object[])r["prvDiaSources"];
            Assert.Equal(p.PrvDiaSources.Count, prv.Length);
            for (var k = 0; k < prv.Length; k++)
            {
                Same(p.PrvDiaSources[k], (GenericRecord)prv[k], AvroRecordEncoder.DiaSourceFields);
            }

            var forced = (object[])r["prvDiaForcedSources"];
            Assert.Equal(p.PrvDiaForcedSources.Count, forced.Length);
            for (var k = 0; k < forced.Length; k++)
            {
                Same(p.PrvDiaForcedSources[k], (GenericRecord)forced[k], AvroRecordEncoder.DiaForcedSourceFields);
            }

            Assert.Equal(p.CutoutDifference, (byte[])r["cutoutDifference"]);
            Assert.Equal(p.CutoutScience, (byte[])r["cutoutScience"]);
            Assert.Equal(p.CutoutTemplate, (byte[])r["cutoutTemplate"]);
        }
    }

    [Fact]
    public void Packets_encode_to_the_same_bytes_as_Apache_Avros_BinaryEncoder()
    {
        foreach (var packet in Packets())
        {
            using var stream = new MemoryStream();
            AlertDatumWriter.WriteFields(packet, new Avro.IO.BinaryEncoder(stream));
            Assert.Equal(stream.ToArray(), AlertDatumWriter.Encode(packet));
        }
    }

    [Fact]
    public void Confluent_frames_are_length_magic_byte_big_endian_schema_id_and_the_Avro_body()
    {
        var packets = Packets();
        var (path, _) = new AlertFileWriter(_dir, AlertFormat.Confluent).Write(Key, packets);
        var bytes = File.ReadAllBytes(path);

        var at = 0;
        foreach (var packet in packets)
        {
            var body = AlertDatumWriter.Encode(packet);
            Assert.Equal(body.Length + 5, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at)));
            Assert.Equal(0, bytes[at + 4]);
            Assert.Equal([0, 0, 0x03, 0xE8], bytes[(at + 5)..(at + 9)]);
            Assert.Equal(body, bytes[(at + 9)..(at + 9 + body.Length)]);
            at += 9 + body.Length;
        }

        Assert.Equal(bytes.Length, at);
    }

    [Fact]
    public void A_detector_visit_without_sources_gets_a_container_with_no_packets()
    {
        var (path, _) = new AlertFileWriter(_dir).Write(Key, []);

        Assert.Equal("visit7001-det012.avro", Path.GetFileName(path));
        Assert.Empty(AlertFileReader.Read(path));
    }

    [Fact]
    public void A_directory_that_cannot_be_created_is_a_clear_error()
    {
        var file = Path.Combine(_dir, "not-a-dir");
        File.WriteAllText(file, "x");
        var writer = new AlertFileWriter(Path.Combine(file, "alerts"));

        var ex = Assert.Throws<AlertException>(writer.EnsureWritable);
        Assert.Contains(Path.Combine(file, "alerts"), ex.Message, StringComparison.Ordinal);
        Assert.Contains("not writable", ex.Message, StringComparison.Ordinal);
        Assert.Throws<AlertException>(() => new AlertFileWriter(file).EnsureWritable());
    }

    [Fact]
    public void A_write_that_fails_leaves_no_file_and_no_temporary_file()
    {
        var dir = Path.Combine(_dir, "gone");
        var writer = new AlertFileWriter(dir);
        writer.EnsureWritable();
        Directory.Delete(dir);

        var ex = Assert.Throws<AlertException>(() => writer.Write(Key, Packets()));
        Assert.Contains("visit7001-det012.avro", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void A_rewrite_replaces_the_whole_file_and_leaves_nothing_beside_it()
    {
        var writer = new AlertFileWriter(_dir);
        writer.Write(Key, Packets());
        var (path, _) = writer.Write(Key, Packets()[..1]);

        Assert.Single(AlertFileReader.Read(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
    }

    [Fact]
    public void A_file_that_is_not_an_alert_file_is_a_clear_error_naming_it()
    {
        var path = Path.Combine(_dir, "junk.avro");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

        var ex = Assert.Throws<AlertException>(() => AlertFileReader.Read(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    private static void Same<T>(T row, GenericRecord record, IReadOnlyList<(string Field, string Property)> map)
    {
        foreach (var (field, property) in map)
        {
            var expected = typeof(T).GetProperty(property, BindingFlags.Public | BindingFlags.Instance)!.GetValue(row);
            var actual = record[field];
            expected = expected is short s ? (int)s : expected;
            Assert.True(Equals(expected, actual), $"{typeof(T).Name}.{property}: wrote {expected}, read {actual}");
        }
    }
}
