using System.Data.Common;
using System.Text;

namespace Apdb.Serve.Tap;

/// <summary>Writes query results as RFC 4180 CSV with a header line; NULL is an empty cell.</summary>
public static class CsvResultWriter
{
    /// <summary>Writes at most <paramref name="maxRec"/> rows; returns how many and whether more were there.</summary>
    public static async Task<(long Rows, bool Overflow)> WriteAsync(
        Stream output, IReadOnlyList<ResultColumn> columns, DbDataReader reader, long maxRec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(reader);
        await using var text = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        text.Write(string.Join(",", columns.Select(c => Quote(c.Name))));
        text.Write("\r\n");
        long rows = 0;
        var overflow = false;
        var line = new StringBuilder();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (rows == maxRec)
            {
                overflow = true;
                break;
            }

            line.Clear();
            for (var i = 0; i < columns.Count; i++)
            {
                if (i > 0)
                {
                    line.Append(',');
                }

                var value = reader.IsDBNull(i) ? null : reader.GetValue(i);
                line.Append(value is bool b ? (b ? "true" : "false") : Quote(CellText.Format(value)));
            }

            text.Write(line.Append("\r\n"));
            rows++;
        }

        await text.FlushAsync(cancellationToken);
        return (rows, overflow);
    }

    private static string Quote(string? cell)
    {
        if (cell is null)
        {
            return string.Empty;
        }

        return cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
    }
}
