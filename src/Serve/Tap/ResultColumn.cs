using Apdb.Serve.Adql;

namespace Apdb.Serve.Tap;

/// <summary>An output column as a VOTable FIELD declares it: the VOTable type follows the value's .NET type, the rest the catalog.</summary>
public sealed record ResultColumn(string Name, string DataType, string? Arraysize, string? Xtype, string? Unit, string? Ucd, string? Description, Type ClrType)
{
    /// <summary>The column for a result field whose values the database returns as <paramref name="clrType"/>.</summary>
    public static ResultColumn From(ResultField field, Type clrType)
    {
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(clrType);
        var (dataType, arraysize, xtype) = clrType switch
        {
            _ when clrType == typeof(long) => ("long", null, null),
            _ when clrType == typeof(int) => ("int", null, null),
            _ when clrType == typeof(short) => ("short", null, null),
            _ when clrType == typeof(double) || clrType == typeof(decimal) => ("double", null, null),
            _ when clrType == typeof(float) => ("float", null, null),
            _ when clrType == typeof(bool) => ("boolean", null, null),
            _ when clrType == typeof(DateTime) || clrType == typeof(DateTimeOffset) => ("char", "*", "timestamp"),
            _ => ("char", "*", (string?)null),
        };
        var c = field.Column;
        return new ResultColumn(field.Name, dataType, arraysize, xtype, c?.Unit, c?.Ucd, c?.Description, clrType);
    }
}
