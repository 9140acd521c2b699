namespace Apdb.Serve.Adql;

/// <summary>An infix operator: arithmetic (<c>+ - * /</c>), concatenation (<c>||</c>), a comparison, <c>AND</c> or <c>OR</c>.</summary>
public sealed record BinaryExpression(string Operator, AdqlExpression Left, AdqlExpression Right, int Position) : AdqlExpression(Position);
