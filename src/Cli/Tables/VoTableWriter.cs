using System.Globalization;
using System.Text;
using System.Xml;

namespace Apdb.Cli.Tables;

/// <summary>IVOA VOTable 1.4 with TABLEDATA: one FIELD per column with its datatype, unit and DESCRIPTION.</summary>
internal sealed class VoTableWriter : ITableWriter
{
    /// <summary>The null value of a nullable long column (VOTable integers have no NaN).</summary>
    private const long LongNull = long.MinValue;

    public void Write(Stream stream, OutputTable table)
    {
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, CloseOutput = false });
        const string ns = "http://www.ivoa.net/xml/VOTable/v1.3";
        xml.WriteStartDocument();
        xml.WriteStartElement("VOTABLE", ns);
        xml.WriteAttributeString("version", "1.4");
        xml.WriteStartElement("RESOURCE", ns);
        xml.WriteAttributeString("type", "results");
        xml.WriteStartElement("TABLE", ns);
        foreach (var column in table.Columns)
        {
            xml.WriteStartElement("FIELD", ns);
            xml.WriteAttributeString("name", column.Name);
            xml.WriteAttributeString("datatype", TableDatatypes.VoTable(column.ElementType));
            if (column.ElementType == typeof(string))
            {
                xml.WriteAttributeString("arraysize", "*");
            }

            if (!string.IsNullOrEmpty(column.Unit))
            {
                xml.WriteAttributeString("unit", column.Unit);
            }

            if (!string.IsNullOrEmpty(column.Description))
            {
                xml.WriteElementString("DESCRIPTION", ns, column.Description);
            }

            if (column.Values is long?[])
            {
                xml.WriteStartElement("VALUES", ns);
                xml.WriteAttributeString("null", LongNull.ToString(CultureInfo.InvariantCulture));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        xml.WriteStartElement("DATA", ns);
        xml.WriteStartElement("TABLEDATA", ns);
        for (var row = 0; row < table.RowCount; row++)
        {
            xml.WriteStartElement("TR", ns);
            foreach (var column in table.Columns)
            {
                xml.WriteElementString("TD", ns, Cell(column, row));
            }

            xml.WriteEndElement();
        }

        xml.WriteEndDocument();
    }

    private static string Cell(TableColumn column, int row) => column[row] switch
    {
        null when column.Values is long?[] => LongNull.ToString(CultureInfo.InvariantCulture),
        null => string.Empty,
        bool b => b ? "T" : "F",
        var value => TableText.Format(value),
    };
}
