namespace Apdb.Serve.Adql;

/// <summary>A parsed ADQL query: <c>SELECT [DISTINCT] [TOP n] items FROM table [joins] [WHERE] [GROUP BY] [HAVING] [ORDER BY]</c>.</summary>
public sealed record SelectStatement(
    bool Distinct,
    long? Top,
    IReadOnlyList<SelectItem> Items,
    TableReference From,
    IReadOnlyList<JoinClause> Joins,
    AdqlExpression? Where,
    IReadOnlyList<AdqlExpression> GroupBy,
    AdqlExpression? Having,
    IReadOnlyList<OrderItem> OrderBy);
