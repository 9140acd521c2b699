using System.Text.RegularExpressions;
using Apdb.Schema;

namespace Apdb.Serve.Catalog;

/// <summary>
/// Every table a query may name: the APDB's tables (columns, units and descriptions from the schema TSV, the
/// <c>pixelId</c> column and the indexes from the migrations) and the TAP_SCHEMA tables that describe them.
/// </summary>
public sealed partial class TapCatalog
{
    /// <summary>The TAP schema of the APDB's tables.</summary>
    public const string ApdbSchema = "apdb";

    /// <summary>The schema that describes the service's tables.</summary>
    public const string TapSchema = "TAP_SCHEMA";

    private static readonly Lazy<TapCatalog> Lazy = new(Build);

    private TapCatalog(IReadOnlyList<TapTable> tables, IReadOnlyList<TapForeignKey> keys)
    {
        Tables = tables;
        ForeignKeys = keys;
    }

    /// <summary>The catalog of this build's schema (built once).</summary>
    public static TapCatalog Default => Lazy.Value;

    /// <summary>Every table: the APDB's, then TAP_SCHEMA's.</summary>
    public IReadOnlyList<TapTable> Tables { get; }

    /// <summary>The foreign keys between the service's tables (the APDB's and TAP_SCHEMA's own).</summary>
    public IReadOnlyList<TapForeignKey> ForeignKeys { get; }

    /// <summary>The table a FROM clause names (schema optional; regular identifiers match in any case), or null.</summary>
    public TapTable? Find(Adql.Identifier? schema, Adql.Identifier name)
    {
        foreach (var table in Tables)
        {
            var bare = table.Name.StartsWith(TapSchema + ".", StringComparison.Ordinal) ? table.Name[(TapSchema.Length + 1)..] : table.Name;
            if (schema is { } s ? s.Matches(table.Schema) && name.Matches(bare) : name.Matches(table.Name))
            {
                return table;
            }
        }

        return null;
    }

    private static TapCatalog Build()
    {
        var apdb = ApdbTables();
        var keys = Keys();
        var tapTables = TapSchemaTables.Build(apdb, keys);
        return new TapCatalog([.. apdb, .. tapTables], keys);
    }

    private static List<TapTable> ApdbTables()
    {
        var rows = SchemaTsv.Read();
        var tables = new List<TapTable>();
        foreach (var group in rows.GroupBy(r => r.Table))
        {
            var ddl = SqlScripts.Migrations.FirstOrDefault(m => CreateTable(group.Key).IsMatch(m.Text))?.Text ?? string.Empty;
            var indexed = IndexedColumns(ddl);
            var columns = group.Select(r => ToColumn(r, indexed)).ToList();
            var hasPixel = ddl.Contains("\"pixelId\" bigint", StringComparison.Ordinal);
            if (hasPixel)
            {
                columns.Add(new TapColumn(
                    "pixelId", "HEALPix NESTED index at depth 29 of (ra, dec): the B-tree that cone searches probe; any coarser depth is a right shift by 2 bits a level",
                    null, "pos.healpix", "long", null, null, true, false, false));
            }

            tables.Add(new TapTable(ApdbSchema, group.Key, TableDescriptions.For(group.Key), columns, SqlText.Identifier(group.Key), hasPixel && columns.Any(c => c.Name == "ra")));
        }

        return tables;
    }

    private static TapColumn ToColumn(SchemaTsv.Row row, HashSet<string> indexed)
    {
        var (dataType, arraysize, xtype) = row.FelisType switch
        {
            "boolean" => ("boolean", null, null),
            "char" or "string" or "text" => ("char", "*", null),
            "timestamp" => ("char", "*", "timestamp"),
            "double" or "float" or "int" or "long" or "short" => (row.FelisType, (string?)null, (string?)null),
            _ => throw new InvalidOperationException($"schema TSV: {row.Table}.{row.Column} has type '{row.FelisType}', which TAP_SCHEMA has no mapping for"),
        };
        var ucd = row.Column switch
        {
            "ra" => "pos.eq.ra;meta.main",
            "dec" => "pos.eq.dec;meta.main",
            "midpointMjdTai" => "time.epoch",
            _ when indexed.Contains(row.Column) && row.Column.EndsWith("Id", StringComparison.Ordinal) => "meta.id",
            _ => null,
        };
        var principal = row.Column is "ra" or "dec" or "band" or "midpointMjdTai" or "psfFlux" or "psfFluxErr" or "nDiaSources"
            || (indexed.Contains(row.Column) && row.Column.EndsWith("Id", StringComparison.Ordinal));
        return new TapColumn(row.Column, row.Description, row.Unit, ucd, dataType, arraysize, xtype, indexed.Contains(row.Column), principal, row.Nullable);
    }

    /// <summary>The leading column of the table's primary key and of each of its indexes.</summary>
    private static HashSet<string> IndexedColumns(string ddl)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in LeadingIndexColumn().Matches(ddl))
        {
            set.Add(m.Groups[1].Value);
        }

        return set;
    }

    private static Regex CreateTable(string table) => new($"CREATE TABLE IF NOT EXISTS \"{Regex.Escape(table)}\"\\s*\\(|CREATE TABLE \"{Regex.Escape(table)}\"\\s*\\(", RegexOptions.CultureInvariant);

    private static List<TapForeignKey> Keys() =>
    [
        new("DiaSource_diaObjectId", "DiaSource", "diaObjectId", "DiaObjectLast", "diaObjectId", "The DiaObject a DiaSource was associated with (its current version)"),
        new("DiaForcedSource_diaObjectId", "DiaForcedSource", "diaObjectId", "DiaObjectLast", "diaObjectId", "The DiaObject a forced measurement was made for (its current version)"),
        new("DiaSource_ssObjectId", "DiaSource", "ssObjectId", "SSObject", "ssObjectId", "The solar system object a DiaSource was attributed to"),
        new("tap_schema_tables_schema", "TAP_SCHEMA.tables", "schema_name", "TAP_SCHEMA.schemas", "schema_name", "The schema of a table"),
        new("tap_schema_columns_table", "TAP_SCHEMA.columns", "table_name", "TAP_SCHEMA.tables", "table_name", "The table of a column"),
        new("tap_schema_keys_from", "TAP_SCHEMA.keys", "from_table", "TAP_SCHEMA.tables", "table_name", "The table a foreign key is in"),
        new("tap_schema_keys_target", "TAP_SCHEMA.keys", "target_table", "TAP_SCHEMA.tables", "table_name", "The table a foreign key points to"),
        new("tap_schema_key_columns_key", "TAP_SCHEMA.key_columns", "key_id", "TAP_SCHEMA.keys", "key_id", "The foreign key a column pair belongs to"),
    ];

    [GeneratedRegex("(?:PRIMARY KEY|CREATE INDEX \"[^\"]+\" ON \"[^\"]+\")\\s*\\(\"([^\"]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex LeadingIndexColumn();
}
