namespace Apdb.Serve.Catalog;

/// <summary>A foreign key as TAP_SCHEMA.keys and key_columns list it (one column each in this schema).</summary>
public sealed record TapForeignKey(string KeyId, string FromTable, string FromColumn, string TargetTable, string TargetColumn, string Description);
