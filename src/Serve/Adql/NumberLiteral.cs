namespace Apdb.Serve.Adql;

/// <summary>An unsigned numeric literal, kept as written (it was checked by the lexer).</summary>
public sealed record NumberLiteral(string Text, int Position) : AdqlExpression(Position)
{
    /// <summary>The value as a double.</summary>
    public double Value => double.Parse(Text, System.Globalization.CultureInfo.InvariantCulture);
}
