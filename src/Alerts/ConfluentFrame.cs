namespace Apdb.Alerts;

/// <summary>Constants of the Confluent wire format (a Kafka message value: magic byte, schema id, Avro body).</summary>
public static class ConfluentFrame
{
    /// <summary>The first byte of every frame.</summary>
    public const byte MagicByte = 0;

    /// <summary>Bytes before the Avro body: the magic byte and the 4-byte big-endian schema id.</summary>
    public const int HeaderBytes = 5;
}
