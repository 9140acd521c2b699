namespace Apdb.Serve.Adql;

/// <summary>A function or aggregate call; <see cref="Star"/> for <c>COUNT(*)</c>, <see cref="Distinct"/> for <c>COUNT(DISTINCT x)</c>.</summary>
public sealed record FunctionCall(string Name, IReadOnlyList<AdqlExpression> Arguments, bool Distinct, bool Star, int Position) : AdqlExpression(Position);
