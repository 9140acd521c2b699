namespace Apdb.Serve.Adql;

/// <summary><c>value IS [NOT] NULL</c>.</summary>
public sealed record IsNullExpression(AdqlExpression Value, bool Negated, int Position) : AdqlExpression(Position);
