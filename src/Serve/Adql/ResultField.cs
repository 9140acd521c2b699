using Apdb.Serve.Catalog;

namespace Apdb.Serve.Adql;

/// <summary>One output column of a translated query: its name and, when it is a plain table column, that column's metadata.</summary>
public sealed record ResultField(string Name, TapColumn? Column);
