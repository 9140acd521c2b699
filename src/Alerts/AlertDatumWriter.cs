using Avro.Generic;
using Avro.IO;

namespace Apdb.Alerts;

/// <summary>
/// Writes an <see cref="AlertPacket"/> as the <c>lsst.v10_0.alert</c> record, field by field in schema order with the
/// generated <see cref="AvroRecordEncoder"/>. Fields the pipeline has no value for (observation reason, target name, the
/// solar-system records) are null.
/// </summary>
public sealed class AlertDatumWriter : DatumWriter<AlertPacket>
{
    /// <summary>The shared instance (the writer holds no state).</summary>
    public static AlertDatumWriter Instance { get; } = new();

    /// <inheritdoc />
    public Avro.Schema Schema => AlertSchema.Alert;

    /// <summary>
    /// Writes the packet: encoded whole by <see cref="Encode"/> and handed to <paramref name="encoder"/> as raw bytes
    /// (the Avro binary encoding of a record is the concatenation of its fields' encodings).
    /// </summary>
    public void Write(AlertPacket datum, Encoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var body = Encode(datum);
        encoder.WriteFixed(body);
    }

    /// <summary>Encodes one packet as Avro binary (no container, no framing).</summary>
    public static byte[] Encode(AlertPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var encoder = new AvroBufferEncoder();
        WriteFields(packet, encoder);
        return encoder.Written.ToArray();
    }

    /// <summary>Writes the packet's fields in schema order to any Avro encoder.</summary>
    internal static void WriteFields(AlertPacket datum, Encoder encoder)
    {
        ArgumentNullException.ThrowIfNull(datum);
        ArgumentNullException.ThrowIfNull(encoder);
        encoder.WriteLong(datum.DiaSourceId);
        encoder.WriteUnionIndex(0); // observation_reason
        encoder.WriteUnionIndex(0); // target_name
        AvroRecordEncoder.WriteDiaSource(encoder, datum.DiaSource);
        encoder.WriteUnionIndex(1);
        WriteArray(encoder, datum.PrvDiaSources, AvroRecordEncoder.WriteDiaSource);
        encoder.WriteUnionIndex(1);
        WriteArray(encoder, datum.PrvDiaForcedSources, AvroRecordEncoder.WriteDiaForcedSource);
        encoder.WriteUnionIndex(1);
        AvroRecordEncoder.WriteDiaObject(encoder, datum.DiaObject);
        encoder.WriteUnionIndex(0); // ssSource
        encoder.WriteUnionIndex(0); // mpc_orbits
        AvroUnion.Write(encoder, datum.CutoutDifference);
        AvroUnion.Write(encoder, datum.CutoutScience);
        AvroUnion.Write(encoder, datum.CutoutTemplate);
    }

    /// <summary>Decodes Avro binary written with <see cref="AlertSchema.Alert"/> into a generic record.</summary>
    public static GenericRecord Decode(ReadOnlySpan<byte> body)
    {
        using var stream = new MemoryStream(body.ToArray(), writable: false);
        var reader = new GenericDatumReader<GenericRecord>(AlertSchema.Alert, AlertSchema.Alert);
        var record = reader.Read(null!, new BinaryDecoder(stream));
        return stream.Position == body.Length
            ? record
            : throw new AlertException($"an alert body of {body.Length} bytes holds {body.Length - stream.Position} bytes after the packet");
    }

    private static void WriteArray<T>(Encoder encoder, IReadOnlyList<T> items, Action<Encoder, T> write)
    {
        encoder.WriteArrayStart();
        encoder.SetItemCount(items.Count);
        foreach (var item in items)
        {
            encoder.StartItem();
            write(encoder, item);
        }

        encoder.WriteArrayEnd();
    }
}
