namespace Apdb.Serve.Adql;

/// <summary>What a lexical token of ADQL is.</summary>
public enum AdqlTokenKind
{
    /// <summary>A regular identifier or keyword (case-insensitive).</summary>
    Word,

    /// <summary>A delimited identifier in double quotes (case-sensitive).</summary>
    QuotedIdentifier,

    /// <summary>An unsigned numeric literal.</summary>
    Number,

    /// <summary>A character string literal in single quotes.</summary>
    String,

    /// <summary>An operator or punctuation.</summary>
    Symbol,

    /// <summary>The end of the query.</summary>
    End,
}
