using System.Globalization;
using System.Text;

namespace Apdb.Serve.Catalog;

/// <summary>
/// TAP_SCHEMA's five tables, generated from the catalog and read as inline VALUES lists: the service's role may only
/// read, and the description can then never disagree with the tables it describes.
/// </summary>
internal static class TapSchemaTables
{
    private static readonly (string Name, string Description, (string Name, string Type, string Description)[] Columns)[] Definitions =
    [
        ("schemas", "The schemas of this service", [
            ("schema_name", "text", "schema name for reference to tap_schema.schemas"),
            ("description", "text", "describes schemas in the tableset"),
            ("utype", "text", "lists the utypes of schemas in the tableset"),
            ("schema_index", "integer", "recommended sort order when listing schemas"),
        ]),
        ("tables", "The tables of this service", [
            ("schema_name", "text", "the schema this table belongs to"),
            ("table_name", "text", "the fully qualified table name"),
            ("table_type", "text", "one of: table view"),
            ("description", "text", "describes tables in the tableset"),
            ("utype", "text", "lists the utype of tables in the tableset"),
            ("table_index", "integer", "recommended sort order when listing tables"),
        ]),
        ("columns", "The columns of this service's tables", [
            ("table_name", "text", "the table this column belongs to"),
            ("column_name", "text", "the column name"),
            ("description", "text", "describes the columns in the tableset"),
            ("unit", "text", "lists the unit used for column values in the tableset"),
            ("ucd", "text", "lists the UCDs of columns in the tableset"),
            ("utype", "text", "lists the utypes of columns in the tableset"),
            ("datatype", "text", "lists the ADQL datatype of columns in the tableset"),
            ("arraysize", "text", "lists the size of variable-length columns in the tableset"),
            ("xtype", "text", "a DALI or custom extended type annotation"),
            ("size", "integer", "deprecated: use arraysize"),
            ("principal", "integer", "a principal column; 1 means 1, 0 means 0"),
            ("indexed", "integer", "an indexed column; 1 means 1, 0 means 0"),
            ("std", "integer", "a standard column; 1 means 1, 0 means 0"),
            ("column_index", "integer", "recommended sort order when listing columns"),
        ]),
        ("keys", "Foreign keys between this service's tables", [
            ("key_id", "text", "unique key identifier"),
            ("from_table", "text", "fully qualified table name"),
            ("target_table", "text", "fully qualified table name"),
            ("description", "text", "description of this key"),
            ("utype", "text", "utype of this key"),
        ]),
        ("key_columns", "The columns of the foreign keys", [
            ("key_id", "text", "key identifier from tap_schema.keys"),
            ("from_column", "text", "key column name in the from_table"),
            ("target_column", "text", "key column name in the target_table"),
        ]),
    ];

    public static List<TapTable> Build(IReadOnlyList<TapTable> apdb, IReadOnlyList<TapForeignKey> keys)
    {
        // The TAP_SCHEMA tables describe themselves too, so their column lists come first and their rows after.
        var shells = Definitions.Select(d => new TapTable(
            TapCatalog.TapSchema,
            $"{TapCatalog.TapSchema}.{d.Name}",
            d.Description,
            [.. d.Columns.Select(c => new TapColumn(c.Name, c.Description, null, null, c.Type == "integer" ? "int" : "char", c.Type == "integer" ? null : "*", null, false, true, c.Type == "text"))],
            string.Empty,
            false)).ToList();
        var all = apdb.Concat(shells).ToList();
        var rows = new Dictionary<string, List<object?[]>>
        {
            ["schemas"] =
            [
                [TapCatalog.ApdbSchema, "Rubin's Alert Production DataBase (schema v10)", null, 0],
                [TapCatalog.TapSchema, "Tables that describe this service", null, 1],
            ],
            ["tables"] = [.. all.Select((t, i) => new object?[] { t.Schema, t.Name, "table", t.Description, null, i })],
            ["columns"] = [.. all.SelectMany(t => t.Columns.Select((c, i) => new object?[]
            {
                t.Name, AdqlReservedWords.AsListed(c.Name), c.Description, c.Unit, c.Ucd, null, c.DataType, c.Arraysize, c.Xtype, null,
                c.Principal ? 1 : 0, c.Indexed ? 1 : 0, t.Schema == TapCatalog.TapSchema ? 1 : 0, i,
            }))],
            ["keys"] = [.. keys.Select(k => new object?[] { k.KeyId, k.FromTable, k.TargetTable, k.Description, null })],
            ["key_columns"] = [.. keys.Select(k => new object?[] { k.KeyId, k.FromColumn, k.TargetColumn })],
        };
        return [.. shells.Select((s, i) => s with { SqlSource = Values(Definitions[i].Columns.Select(c => (c.Name, c.Type)).ToArray(), rows[Definitions[i].Name]) })];
    }

    private static string Values((string Name, string Type)[] columns, List<object?[]> rows)
    {
        var sql = new StringBuilder("(SELECT * FROM (VALUES ");
        for (var r = 0; r < rows.Count; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Length; c++)
            {
                if (c > 0)
                {
                    sql.Append(", ");
                }

                // Typed NULLs and literals: a VALUES list takes its column types from the first row.
                var cell = rows[r][c];
                sql.Append(cell switch
                {
                    null => "NULL",
                    int i => i.ToString(CultureInfo.InvariantCulture),
                    _ => SqlText.String((string)cell),
                }).Append("::").Append(columns[c].Type);
            }

            sql.Append(')');
        }

        sql.Append(") AS v(").Append(string.Join(", ", columns.Select(c => SqlText.Identifier(c.Name)))).Append("))");
        return sql.ToString();
    }
}
