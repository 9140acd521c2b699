using System.Globalization;

namespace Apdb.Serve.Catalog;

/// <summary>PostgreSQL quoting: every identifier and string the translator emits goes through here.</summary>
public static class SqlText
{
    /// <summary>A double-quoted identifier (embedded quotes doubled).</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A standard string literal (embedded quotes doubled; backslashes are plain characters under standard_conforming_strings).</summary>
    public static string String(string? value) => value is null ? "NULL" : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>A double precision literal that round-trips.</summary>
    public static string Double(double value) => value.ToString("R", CultureInfo.InvariantCulture) + "::double precision";
}
