namespace Apdb.Serve.Adql;

/// <summary>A prefix operator: <c>-x</c>, <c>+x</c> or <c>NOT condition</c>.</summary>
public sealed record UnaryExpression(string Operator, AdqlExpression Operand, int Position) : AdqlExpression(Position);
