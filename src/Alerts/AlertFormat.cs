namespace Apdb.Alerts;

/// <summary>How a detector-visit's alerts are laid out in its file.</summary>
public enum AlertFormat
{
    /// <summary>
    /// An Avro Object Container File (<c>.avro</c>): the header carries the writer schema, then blocks of packets.
    /// Any Avro library reads it.
    /// </summary>
    Avro,

    /// <summary>
    /// Confluent wire-format frames as a Kafka topic carries them (<c>.confluent</c>): for each packet, a 4-byte
    /// big-endian frame length L, then the L-byte frame: magic byte 0, the 4-byte big-endian schema id
    /// (<see cref="AlertSchema.ConfluentSchemaId"/>) and the packet's Avro binary body. The length prefix is the file's
    /// own framing (Kafka delimits messages itself); a frame without it is exactly a Kafka message value.
    /// </summary>
    Confluent,
}
