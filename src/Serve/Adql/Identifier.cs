namespace Apdb.Serve.Adql;

/// <summary>An ADQL identifier: regular ones match names in any case, quoted (delimited) ones exactly.</summary>
public readonly record struct Identifier(string Text, bool Quoted)
{
    /// <summary>Whether this identifier names <paramref name="name"/>.</summary>
    public bool Matches(string name) => Quoted ? string.Equals(Text, name, StringComparison.Ordinal) : string.Equals(Text, name, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override string ToString() => Quoted ? $"\"{Text}\"" : Text;
}
