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
        ArgumentNullException.ThrowIfNull(encoder);
        if (value is { } v)
        {
            encoder.WriteUnionIndex(1);
            encoder.WriteLong(v);
        }
        else
        {
            encoder.WriteUnionIndex(0);
        }
    }

    /// <summary>Writes a <c>["null", "int"]</c> field.</summary>
    public static void Write(Encoder encoder, int? value)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (value is { } v)
        {
            encoder.WriteUnionIndex(1);
            encoder.WriteInt(v);
        }
        else
        {
            encoder.WriteUnionIndex(0);
        }
    }

    /// <summary>Writes a <c>["null", "float"]</c> field.</summary>
    public static void Write(Encoder encoder, float? value)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (value is { } v)
        {
            encoder.WriteUnionIndex(1);
            encoder.WriteFloat(v);
        }
        else
        {
            encoder.WriteUnionIndex(0);
        }
    }

    /// <summary>Writes a <c>["null", "double"]</c> field.</summary>
    public static void Write(Encoder encoder, double? value)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (value is { } v)
        {
            encoder.WriteUnionIndex(1);
            encoder.WriteDouble(v);
        }
        else
        {
            encoder.WriteUnionIndex(0);
        }
    }

    /// <summary>Writes a <c>["null", "boolean"]</c> field.</summary>
    public static void Write(Encoder encoder, bool? value)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (value is { } v)
        {
            encoder.WriteUnionIndex(1);
            encoder.WriteBoolean(v);
        }
        else
        {
            encoder.WriteUnionIndex(0);
        }
    }

    /// <summary>Writes a <c>["null", "string"]</c> field.</summary>
    public static void Write(Encoder encoder, string? value)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (value is not null)
        {
            encoder.WriteUnionIndex(1);
            encoder.WriteString(value);
        }
        else
        {
            encoder.WriteUnionIndex(0);
        }
    }

    /// <summary>Writes a <c>["null", "bytes"]</c> field.</summary>
    public static void Write(Encoder encoder, byte[]? value)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        if (value is not null)
        {
            encoder.WriteUnionIndex(1);
            encoder.WriteBytes(value);
        }
        else
        {
            encoder.WriteUnionIndex(0);
        }
    }
}
