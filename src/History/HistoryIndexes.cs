using System.Text.Json;
using Npgsql;

namespace Apdb.History;

/// <summary>
/// The primary keys and indexes of the bulk-loaded tables, read from the catalog so that the schema's own
/// definitions are rebuilt after the load. They are kept in the metadata table while a load runs, so a load that
/// crashed after dropping them can still restore them on its rerun.
/// </summary>
internal sealed record HistoryIndexes(IReadOnlyList<HistoryIndexes.Definition> Definitions)
{
    public const string MetadataKey = "history:indexes";

    public static readonly string[] Tables = ["DiaSource", "DiaObject", "DiaForcedSource", "DiaObjectLast", "DiaSourcePacked", "DiaForcedSourcePacked"];

    public static async Task<HistoryIndexes> ReadCatalogAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        const string Sql = """
            SELECT c.relname, i.relname, pg_get_indexdef(i.oid), con.conname, pg_get_constraintdef(con.oid)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class c ON c.oid = x.indrelid
            LEFT JOIN pg_constraint con ON con.conindid = i.oid AND con.conrelid = c.oid AND con.contype IN ('p', 'u')
            WHERE c.oid = ANY(ARRAY(SELECT to_regclass(quote_ident(t)) FROM unnest(@tables) t))
            ORDER BY array_position(@tables, c.relname::text), con.conname IS NULL, i.relname
            """;
        var list = new List<Definition>();
        await using var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.AddWithValue("tables", Tables);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var table = reader.GetString(0);
            var index = reader.GetString(1);
            if (!reader.IsDBNull(3))
            {
                var constraint = reader.GetString(3);
                list.Add(new Definition(table, index,
                    $"ALTER TABLE {Quote(table)} ADD CONSTRAINT {Quote(constraint)} {reader.GetString(4)}",
                    $"ALTER TABLE {Quote(table)} DROP CONSTRAINT IF EXISTS {Quote(constraint)}"));
            }
            else
            {
                // A partitioned table's index reads "ON ONLY t": rebuilt without ONLY, it recurses into the partitions.
                var create = reader.GetString(2).Replace(" ON ONLY ", " ON ", StringComparison.Ordinal);
                list.Add(new Definition(table, index, create, $"DROP INDEX IF EXISTS {Quote(index)}"));
            }
        }

        return new HistoryIndexes(list);
    }

    public string ToJson() => JsonSerializer.Serialize(Definitions);

    public static HistoryIndexes FromJson(string json) =>
        new(JsonSerializer.Deserialize<List<Definition>>(json) ?? throw new ApdbUserException($"metadata {MetadataKey} is not valid"));

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    internal sealed record Definition(string Table, string Name, string Create, string Drop);
}
