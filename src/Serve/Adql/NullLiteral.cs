namespace Apdb.Serve.Adql;

/// <summary>The NULL literal.</summary>
public sealed record NullLiteral(int Position) : AdqlExpression(Position);
