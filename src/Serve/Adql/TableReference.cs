namespace Apdb.Serve.Adql;

/// <summary>A table in FROM or JOIN: an optional schema, the name and an optional alias.</summary>
public sealed record TableReference(Identifier? Schema, Identifier Name, Identifier? Alias, int Position)
{
    /// <summary>The name a column qualifier uses for this table: the alias when given, else the table name.</summary>
    public Identifier ExposedName => Alias ?? Name;
}
