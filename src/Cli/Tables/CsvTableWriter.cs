using System.Text;

namespace Apdb.Cli.Tables;

/// <summary>Plain CSV: a header line of column names, then one line a row (units go in .ecsv, which astropy reads with them).</summary>
internal sealed class CsvTableWriter : ITableWriter
{
    public void Write(Stream stream, OutputTable table)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        WriteRows(writer, table);
    }

    /// <summary>The header line and rows, shared with ECSV, whose body is this CSV.</summary>
    internal static void WriteRows(TextWriter writer, OutputTable table)
    {
        writer.WriteLine(string.Join(',', table.Columns.Select(c => TableText.Csv(c.Name))));
        var line = new StringBuilder();
        for (var row = 0; row < table.RowCount; row++)
        {
            line.Clear();
            for (var i = 0; i < table.Columns.Count; i++)
            {
                if (i > 0)
                {
                    line.Append(',');
                }

                line.Append(TableText.Csv(TableText.Format(table.Columns[i][row])));
            }

            writer.WriteLine(line);
        }
    }
}
