namespace Apdb.Serve.Adql;

/// <summary><c>*</c> or <c>t.*</c> in a select list.</summary>
public sealed record AllColumns(Identifier? Qualifier, int Position) : AdqlExpression(Position);
