namespace Apdb.Serve.Adql;

/// <summary><c>value [NOT] LIKE pattern</c> (<c>ILIKE</c>: case-insensitive, ADQL 2.1).</summary>
public sealed record LikeExpression(AdqlExpression Value, AdqlExpression Pattern, bool Negated, bool CaseInsensitive, int Position) : AdqlExpression(Position);
