using System.Text;

namespace Apdb.Cli.Tables;

/// <summary>
/// astropy's Enhanced CSV (ECSV 1.0): a commented YAML header with each column's name, datatype, unit and description,
/// then the CSV. <c>astropy.table.Table.read(path)</c> returns the columns with their units and types (booleans too).
/// </summary>
internal sealed class EcsvTableWriter : ITableWriter
{
    public void Write(Stream stream, OutputTable table)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine("# %ECSV 1.0");
        writer.WriteLine("# ---");
        writer.WriteLine("# delimiter: ','");
        foreach (var line in HeaderYaml(table))
        {
            writer.WriteLine("# " + line);
        }

        CsvTableWriter.WriteRows(writer, table);
    }

    /// <summary>
    /// The YAML that describes the columns (datatype list and schema), as astropy writes it after <c>%ECSV</c> and into a
    /// Parquet file's <c>table_meta_yaml</c> metadata, where astropy finds the units again.
    /// </summary>
    internal static IEnumerable<string> HeaderYaml(OutputTable table)
    {
        yield return "datatype:";
        foreach (var column in table.Columns)
        {
            var fields = new List<string> { $"name: {Quote(column.Name)}", $"datatype: {TableDatatypes.Ecsv(column.ElementType)}" };
            if (!string.IsNullOrEmpty(column.Unit))
            {
                fields.Add($"unit: {Quote(column.Unit)}");
            }

            if (!string.IsNullOrEmpty(column.Description))
            {
                fields.Add($"description: {Quote(column.Description)}");
            }

            yield return $"- {{{string.Join(", ", fields)}}}";
        }

        yield return "schema: astropy-2.0";
    }

    /// <summary>A YAML single-quoted scalar.</summary>
    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";
}
