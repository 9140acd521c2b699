namespace Apdb.Serve.Adql;

/// <summary>One entry of the select list and its optional alias.</summary>
public sealed record SelectItem(AdqlExpression Expression, Identifier? Alias);
