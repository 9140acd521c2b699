namespace Apdb.Serve.Adql;

/// <summary>A joined table and its ON condition (none for a cross join).</summary>
public sealed record JoinClause(JoinKind Kind, TableReference Table, AdqlExpression? On);
