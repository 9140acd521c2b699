using System.Globalization;

namespace Apdb.Serve.Tap;

/// <summary>A TAP query request: LANG, QUERY, RESPONSEFORMAT (or FORMAT) and MAXREC, checked.</summary>
public sealed record TapRequest(string Query, OutputFormat Format, long MaxRec)
{
    /// <summary>The request from DALI parameters (names are case-insensitive, values are not).</summary>
    /// <exception cref="TapException">LANG is missing or not ADQL, QUERY is missing, the format is unknown or MAXREC is not a count.</exception>
    public static TapRequest From(IReadOnlyDictionary<string, string> parameters, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        var lang = Get(parameters, "LANG") ?? throw new TapException("LANG is missing: this service takes LANG=ADQL");
        if (!lang.Equals("ADQL", StringComparison.OrdinalIgnoreCase) && !lang.Equals("ADQL-2.0", StringComparison.OrdinalIgnoreCase))
        {
            throw new TapException($"LANG={lang} is not supported: this service takes LANG=ADQL");
        }

        var query = Get(parameters, "QUERY");
        if (string.IsNullOrWhiteSpace(query))
        {
            throw new TapException("QUERY is missing or empty");
        }

        var format = ParseFormat(Get(parameters, "RESPONSEFORMAT") ?? Get(parameters, "FORMAT"));
        var maxRec = options.DefaultMaxRec;
        if (Get(parameters, "MAXREC") is { } text)
        {
            if (!long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out maxRec))
            {
                throw new TapException($"MAXREC={text} is not a whole number of rows");
            }
        }

        return new TapRequest(query, format, Math.Min(maxRec, options.HardMaxRec));
    }

    /// <summary>A parameter by case-insensitive name, or null.</summary>
    public static string? Get(IReadOnlyDictionary<string, string> parameters, string name)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var (key, value) in parameters)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The MIME type a result in <paramref name="format"/> is served as.</summary>
    public static string MediaType(OutputFormat format) => format switch
    {
        OutputFormat.Csv => "text/csv; charset=utf-8",
        OutputFormat.VoTableBinary2 => "application/x-votable+xml;serialization=BINARY2",
        _ => "application/x-votable+xml",
    };

    private static OutputFormat ParseFormat(string? format)
    {
        if (string.IsNullOrWhiteSpace(format))
        {
            return OutputFormat.VoTableTableData;
        }

        var f = format.Trim().ToLowerInvariant().Replace(" ", string.Empty, StringComparison.Ordinal);
        return f switch
        {
            "votable" or "votable/td" or "application/x-votable+xml" or "text/xml" or "application/x-votable+xml;serialization=tabledata" or "votable/tabledata" => OutputFormat.VoTableTableData,
            "votable/b2" or "votable/binary2" or "application/x-votable+xml;serialization=binary2" => OutputFormat.VoTableBinary2,
            "csv" or "text/csv" or "text/csv;header=present" => OutputFormat.Csv,
            _ => throw new TapException($"RESPONSEFORMAT={format} is not offered: use votable (TABLEDATA), votable/b2 (BINARY2) or csv"),
        };
    }
}
