namespace Apdb.Serve.Adql;

/// <summary>A character string literal (its value, without quotes).</summary>
public sealed record StringLiteral(string Value, int Position) : AdqlExpression(Position);
