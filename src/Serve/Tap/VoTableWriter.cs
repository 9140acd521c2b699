using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Apdb.Serve.Tap;

/// <summary>
/// Writes query results as VOTable 1.4 (TABLEDATA or BINARY2) with DALI's QUERY_STATUS: OK before the table,
/// OVERFLOW after it when MAXREC cut the rows, ERROR when the query failed.
/// </summary>
public static partial class VoTableWriter
{
    private const string Header = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<VOTABLE version=\"1.4\" xmlns=\"http://www.ivoa.net/xml/VOTable/v1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the rows of <paramref name="reader"/>, at most <paramref name="maxRec"/>; returns how many were written and whether more were there.</summary>
    public static async Task<(long Rows, bool Overflow)> WriteAsync(
        Stream output, OutputFormat format, IReadOnlyList<ResultColumn> columns, DbDataReader reader, long maxRec, string query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(reader);
        await using var text = new StreamWriter(output, Utf8, 1 << 16, leaveOpen: true);
        text.Write(Header);
        text.Write("<RESOURCE type=\"results\">\n<INFO name=\"QUERY_STATUS\" value=\"OK\"/>\n");
        text.Write($"<INFO name=\"QUERY\" value=\"{XmlText.Escape(query)}\"/>\n");
        text.Write("<TABLE>\n");
        WriteFields(text, columns);
        long rows;
        bool overflow;
        string? error = null;
        try
        {
            (rows, overflow) = format == OutputFormat.VoTableBinary2
                ? await WriteBinary2Async(text, columns, reader, maxRec, cancellationToken)
                : await WriteTableDataAsync(text, columns, reader, maxRec, cancellationToken);
        }
        catch (Npgsql.PostgresException ex)
        {
            // Headers are sent: the failure is reported where DALI puts a late one, after the table.
            (rows, overflow, error) = (0, false, TapQueryRunner.Describe(ex));
            text.Write("</TABLEDATA></DATA>\n");
        }

        text.Write("</TABLE>\n");
        if (error is not null)
        {
            text.Write($"<INFO name=\"QUERY_STATUS\" value=\"ERROR\">{XmlText.Escape(error)}</INFO>\n");
        }
        else if (overflow)
        {
            text.Write("<INFO name=\"QUERY_STATUS\" value=\"OVERFLOW\"/>\n");
        }

        text.Write("</RESOURCE>\n</VOTABLE>\n");
        await text.FlushAsync(cancellationToken);
        return (rows, overflow);
    }

    /// <summary>A DALI error document: QUERY_STATUS=ERROR with the message.</summary>
    public static async Task WriteErrorAsync(Stream output, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var text = new StreamWriter(output, Utf8, 4096, leaveOpen: true);
        text.Write(Header);
        text.Write($"<RESOURCE type=\"results\">\n<INFO name=\"QUERY_STATUS\" value=\"ERROR\">{XmlText.Escape(message)}</INFO>\n</RESOURCE>\n</VOTABLE>\n");
        await text.FlushAsync(cancellationToken);
    }

    private static void WriteFields(StreamWriter text, IReadOnlyList<ResultColumn> columns)
    {
        foreach (var c in columns)
        {
            var field = new StringBuilder("<FIELD");
            field.Append(CultureInfo.InvariantCulture, $" name=\"{XmlText.Escape(c.Name)}\" datatype=\"{c.DataType}\"");
            Attribute(field, "arraysize", c.Arraysize);
            Attribute(field, "xtype", c.Xtype);
            Attribute(field, "unit", c.Unit);
            Attribute(field, "ucd", c.Ucd);
            if (string.IsNullOrEmpty(c.Description))
            {
                field.Append("/>\n");
            }
            else
            {
                field.Append(CultureInfo.InvariantCulture, $"><DESCRIPTION>{XmlText.Escape(c.Description)}</DESCRIPTION></FIELD>\n");
            }

            text.Write(field);
        }
    }

    private static void Attribute(StringBuilder builder, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            builder.Append(CultureInfo.InvariantCulture, $" {name}=\"{XmlText.Escape(value)}\"");
        }
    }

    private static async Task<(long Rows, bool Overflow)> WriteTableDataAsync(
        StreamWriter text, IReadOnlyList<ResultColumn> columns, DbDataReader reader, long maxRec, CancellationToken cancellationToken)
    {
        text.Write("<DATA><TABLEDATA>\n");
        long rows = 0;
        var row = new StringBuilder();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (rows == maxRec)
            {
                text.Write("</TABLEDATA></DATA>\n");
                return (rows, true);
            }

            row.Clear().Append("<TR>");
            for (var i = 0; i < columns.Count; i++)
            {
                var cell = CellText.Format(reader.IsDBNull(i) ? null : reader.GetValue(i));
                if (cell is null)
                {
                    row.Append("<TD/>");
                }
                else
                {
                    row.Append("<TD>").Append(XmlText.Escape(cell)).Append("</TD>");
                }
            }

            text.Write(row.Append("</TR>\n"));
            rows++;
        }

        text.Write("</TABLEDATA></DATA>\n");
        return (rows, false);
    }
}
