using System.Buffers.Binary;
using Apdb.Sky;
using Avro.File;

namespace Apdb.Alerts;

/// <summary>
/// Writes one alert file per detector-visit under a directory, atomically (<see cref="AtomicFile"/>): a reader sees no
/// file or the complete one, and a failed write leaves none. A detector-visit without DiaSources gets a file with no
/// packets, so every stored detector-visit has its file.
/// </summary>
public sealed class AlertFileWriter
{
    /// <summary>Creates a writer; call <see cref="EnsureWritable"/> first to fail before anything is stored.</summary>
    public AlertFileWriter(string directory, AlertFormat format = AlertFormat.Avro)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
        Format = format;
    }

    /// <summary>The directory the files go to.</summary>
    public string Directory { get; }

    /// <summary>The file layout.</summary>
    public AlertFormat Format { get; }

    /// <summary>The file name of a detector-visit's alerts: <c>visit{V}-det{DDD}.avro</c> or <c>.confluent</c>.</summary>
    public static string FileName(DetectorVisit detectorVisit, AlertFormat format) =>
        $"visit{detectorVisit.Visit}-det{detectorVisit.Detector:D3}{Extension(format)}";

    /// <summary>The file extension of a format.</summary>
    public static string Extension(AlertFormat format) => format == AlertFormat.Confluent ? ".confluent" : ".avro";

    /// <summary>Creates the directory when missing and checks that files can be made in it.</summary>
    /// <exception cref="AlertException">The directory cannot be created or written; the message names it.</exception>
    public void EnsureWritable()
    {
        if (File.Exists(Directory))
        {
            throw new AlertException($"alert directory {Directory} is a file, not a directory");
        }

        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var probe = Path.Combine(Directory, $".write-probe-{Guid.NewGuid():N}");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AlertException($"alert directory {Directory} is not writable ({ex.Message})", ex);
        }
    }

    /// <summary>Writes the packets of one detector-visit; returns the file and its size in bytes.</summary>
    /// <exception cref="AlertException">The file could not be written; nothing was left under its name.</exception>
    public (string Path, long Bytes) Write(DetectorVisit detectorVisit, IReadOnlyList<AlertPacket> packets)
    {
        ArgumentNullException.ThrowIfNull(packets);
        var path = Path.Combine(Directory, FileName(detectorVisit, Format));
        try
        {
            AtomicFile.Write(path, stream =>
            {
                if (Format == AlertFormat.Confluent)
                {
                    WriteFrames(stream, packets);
                }
                else
                {
                    WriteContainer(stream, packets);
                }
            });
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new AlertException($"{path}: the alerts of {detectorVisit} could not be written ({ex.Message}); the store is kept", ex);
        }

        return (path, new FileInfo(path).Length);
    }

    /// <summary>Writes packets as an Avro Object Container File (null codec) to a stream, which stays open.</summary>
    public static void WriteContainer(Stream stream, IReadOnlyList<AlertPacket> packets)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(packets);
        using var writer = DataFileWriter<AlertPacket>.OpenWriter(AlertDatumWriter.Instance, stream, Codec.CreateCodec(Codec.Type.Null), leaveOpen: true);
        foreach (var packet in packets)
        {
            writer.Append(packet);
        }

        writer.Flush();
    }

    /// <summary>Writes packets as length-prefixed Confluent wire-format frames (<see cref="AlertFormat.Confluent"/>).</summary>
    public static void WriteFrames(Stream stream, IReadOnlyList<AlertPacket> packets)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(packets);
        Span<byte> prefix = stackalloc byte[9];
        foreach (var packet in packets)
        {
            var body = AlertDatumWriter.Encode(packet);
            BinaryPrimitives.WriteInt32BigEndian(prefix, body.Length + 5);
            prefix[4] = ConfluentFrame.MagicByte;
            BinaryPrimitives.WriteInt32BigEndian(prefix[5..], AlertSchema.ConfluentSchemaId);
            stream.Write(prefix);
            stream.Write(body);
        }
    }
}
