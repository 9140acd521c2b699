using System.Buffers.Binary;
using Avro.File;
using Avro.Generic;

namespace Apdb.Alerts;

/// <summary>Reads the packets of an alert file in either <see cref="AlertFormat"/>, as generic Avro records.</summary>
public static class AlertFileReader
{
    private static ReadOnlySpan<byte> ContainerMagic => "Obj\u0001"u8;

    /// <summary>The format of a file, from its first bytes (an empty file is an empty frame file).</summary>
    public static AlertFormat Detect(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = File.OpenRead(path);
        var n = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        return n == 4 && head.SequenceEqual(ContainerMagic) ? AlertFormat.Avro : AlertFormat.Confluent;
    }

    /// <summary>Every packet of the file, in file order.</summary>
    /// <exception cref="AlertException">The file is missing, truncated or not an alert file; the message names it.</exception>
    public static IReadOnlyList<GenericRecord> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new AlertException($"{path}: no such file");
        }

        try
        {
            return Detect(path) == AlertFormat.Avro ? ReadContainer(path) : ReadFrames(path);
        }
        catch (Exception ex) when (ex is Avro.AvroException or IOException or InvalidCastException or ArgumentException)
        {
            throw new AlertException($"{path}: not a readable alert file ({ex.Message})", ex);
        }
    }

    private static List<GenericRecord> ReadContainer(string path)
    {
        using var reader = DataFileReader<GenericRecord>.OpenReader(path);
        if (reader.GetSchema().Fullname != AlertSchema.Alert.Fullname)
        {
            throw new AlertException($"{path}: its records are {reader.GetSchema().Fullname}, not {AlertSchema.Alert.Fullname}");
        }

        var records = new List<GenericRecord>();
        while (reader.HasNext())
        {
            records.Add(reader.Next());
        }

        return records;
    }

    private static List<GenericRecord> ReadFrames(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var records = new List<GenericRecord>();
        var at = 0;
        while (at < bytes.Length)
        {
            if (bytes.Length - at < 4 + ConfluentFrame.HeaderBytes)
            {
                throw new AlertException($"{path}: truncated frame header at byte {at} (frame {records.Count})");
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            var frame = at + 4;
            if (length < ConfluentFrame.HeaderBytes || length > bytes.Length - frame)
            {
                throw new AlertException($"{path}: frame {records.Count} at byte {at} claims {length} bytes, {bytes.Length - frame} remain");
            }

            if (bytes[frame] != ConfluentFrame.MagicByte)
            {
                throw new AlertException($"{path}: frame {records.Count} at byte {at} starts with {bytes[frame]}, not the Confluent magic byte 0");
            }

            var id = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(frame + 1));
            if (id != AlertSchema.ConfluentSchemaId)
            {
                throw new AlertException($"{path}: frame {records.Count} names schema id {id}; this reader knows {AlertSchema.ConfluentSchemaId} (alert schema {AlertSchema.Version})");
            }

            records.Add(AlertDatumWriter.Decode(bytes.AsSpan(frame + ConfluentFrame.HeaderBytes, length - ConfluentFrame.HeaderBytes)));
            at = frame + length;
        }

        return records;
    }
}
