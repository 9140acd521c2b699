namespace Apdb.Serve.Adql;

/// <summary>One token: its kind, its text (the value for strings and quoted identifiers) and where it starts.</summary>
public readonly record struct AdqlToken(AdqlTokenKind Kind, string Text, int Position)
{
    /// <summary>Whether this is the keyword <paramref name="keyword"/> (an unquoted word, any case).</summary>
    public bool IsKeyword(string keyword) => Kind == AdqlTokenKind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether this is the symbol <paramref name="symbol"/>.</summary>
    public bool IsSymbol(string symbol) => Kind == AdqlTokenKind.Symbol && Text == symbol;

    /// <summary>The token as a message shows it.</summary>
    public string Describe() => Kind switch
    {
        AdqlTokenKind.End => "the end of the query",
        AdqlTokenKind.String => $"'{Text}'",
        AdqlTokenKind.QuotedIdentifier => $"\"{Text}\"",
        _ => $"'{Text}'",
    };
}
