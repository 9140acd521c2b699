using Avro.IO;

namespace Apdb.Alerts;

/// <summary>
/// Writes the value of a nullable Avro field, a union whose first branch is null (every nullable field of Rubin's alert
/// schema): branch 0 for null, else branch 1 and the value.
/// </summary>
public static class AvroUnion
{
    /// <summary>Writes a <c>["null", "long"]</c> field.</summary>
    public static void Write(Encoder encoder, long? value)
    {
        if (Branch(encoder, value.HasValue))
        {
            encoder.WriteLong(value.GetValueOrDefault());
        }
    }

    /// <summary>Writes a <c>["null", "int"]</c> field.</summary>
    public static void Write(Encoder encoder, int? value)
    {
        if (Branch(encoder, value.HasValue))
        {
            encoder.WriteInt(value.GetValueOrDefault());
        }
    }

    /// <summary>Writes a <c>["null", "float"]</c> field.</summary>
    public static void Write(Encoder encoder, float? value)
    {
        if (Branch(encoder, value.HasValue))
        {
            encoder.WriteFloat(value.GetValueOrDefault());
        }
    }

    /// <summary>Writes a <c>["null", "double"]</c> field.</summary>
    public static void Write(Encoder encoder, double? value)
    {
        if (Branch(encoder, value.HasValue))
        {
            encoder.WriteDouble(value.GetValueOrDefault());
        }
    }

    /// <summary>Writes a <c>["null", "boolean"]</c> field.</summary>
    public static void Write(Encoder encoder, bool? value)
    {
        if (Branch(encoder, value.HasValue))
        {
            encoder.WriteBoolean(value.GetValueOrDefault());
        }
    }

    /// <summary>Writes a <c>["null", "string"]</c> field.</summary>
    public static void Write(Encoder encoder, string? value)
    {
        if (Branch(encoder, value is not null))
        {
            encoder.WriteString(value);
        }
    }

    /// <summary>Writes a <c>["null", "bytes"]</c> field.</summary>
    public static void Write(Encoder encoder, byte[]? value)
    {
        if (Branch(encoder, value is not null))
        {
            encoder.WriteBytes(value);
        }
    }

    /// <summary>Writes the union index of a value that is present (1) or null (0), and returns whether it is present.</summary>
    private static bool Branch(Encoder encoder, bool present)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        encoder.WriteUnionIndex(present ? 1 : 0);
        return present;
    }
}
