using System.Globalization;

namespace Apdb.Cli.Tables;

/// <summary>How a cell is spelled in the text formats (CSV, ECSV, VOTable): invariant culture, round-trip precision.</summary>
internal static class TableText
{
    /// <summary>The cell's text; missing values are empty; booleans are True/False (astropy's and pandas' spelling).</summary>
    public static string Format(object? value) => value switch
    {
        null => string.Empty,
        double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : Special(d),
        float f => float.IsFinite(f) ? f.ToString("R", CultureInfo.InvariantCulture) : Special(f),
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    /// <summary>NaN and the infinities as numpy, pandas and astropy read them.</summary>
    private static string Special(double d) => double.IsNaN(d) ? "NaN" : d > 0 ? "inf" : "-inf";

    /// <summary>A CSV field, quoted when it holds a delimiter, a quote or a line break.</summary>
    public static string Csv(string field) =>
        field.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
