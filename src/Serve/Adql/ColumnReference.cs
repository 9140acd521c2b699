namespace Apdb.Serve.Adql;

/// <summary>A column, optionally qualified by a table name or alias: <c>o.ra</c>, <c>"diaObjectId"</c>.</summary>
public sealed record ColumnReference(Identifier? Qualifier, Identifier Name, int Position) : AdqlExpression(Position);
