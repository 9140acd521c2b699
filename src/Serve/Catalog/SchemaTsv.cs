using System.Reflection;

namespace Apdb.Serve.Catalog;

/// <summary>Reads the schema TSV embedded in this assembly: table, column, felis type, nullable, unit, description.</summary>
internal static class SchemaTsv
{
    public sealed record Row(string Table, string Column, string FelisType, bool Nullable, string? Unit, string Description);

    public static List<Row> Read()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("apdb-schema-v10.tsv")
            ?? throw new InvalidOperationException("the schema TSV is not embedded in Apdb.Serve");
        using var reader = new StreamReader(stream);
        var rows = new List<Row>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var cells = line.Split('\t');
            if (cells.Length < 6)
            {
                throw new InvalidOperationException($"schema TSV line {lineNumber}: {cells.Length} cells, expected 6");
            }

            // "None" is how the reference spells a dimensionless column.
            var unit = cells[4] is "" or "None" ? null : cells[4];
            rows.Add(new Row(cells[0], cells[1], cells[2], cells[3] == "true", unit, cells[5]));
        }

        return rows;
    }
}
