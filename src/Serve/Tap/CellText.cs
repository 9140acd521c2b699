using System.Globalization;

namespace Apdb.Serve.Tap;

/// <summary>A result value as text, the same way in VOTable TABLEDATA and CSV: invariant culture, round-trip floats.</summary>
public static class CellText
{
    /// <summary>The value's text; null for SQL NULL.</summary>
    public static string? Format(object? value) => value switch
    {
        null or DBNull => null,
        double d => Floating(d, d.ToString("R", CultureInfo.InvariantCulture)),
        float f => Floating(f, f.ToString("R", CultureInfo.InvariantCulture)),
        decimal m => ((double)m).ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "T" : "F",
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static string Floating(double value, string text) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : text;
}
