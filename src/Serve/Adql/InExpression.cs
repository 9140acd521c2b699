namespace Apdb.Serve.Adql;

/// <summary><c>value [NOT] IN (item, ...)</c>.</summary>
public sealed record InExpression(AdqlExpression Value, IReadOnlyList<AdqlExpression> Items, bool Negated, int Position) : AdqlExpression(Position);
