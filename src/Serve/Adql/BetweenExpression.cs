namespace Apdb.Serve.Adql;

/// <summary><c>value [NOT] BETWEEN low AND high</c>.</summary>
public sealed record BetweenExpression(AdqlExpression Value, AdqlExpression Low, AdqlExpression High, bool Negated, int Position) : AdqlExpression(Position);
