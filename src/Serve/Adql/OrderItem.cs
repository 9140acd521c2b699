namespace Apdb.Serve.Adql;

/// <summary>One ORDER BY key: an expression, a select-list alias or a 1-based select-list position.</summary>
public sealed record OrderItem(AdqlExpression Expression, bool Descending);
