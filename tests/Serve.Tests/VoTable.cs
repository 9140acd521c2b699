using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Xml.Linq;

namespace Apdb.Serve.Tests;

/// <summary>A VOTable read back for assertions: fields, rows as text (TABLEDATA, or BINARY2 decoded to the same text), QUERY_STATUS infos.</summary>
public sealed class VoTable
{
    private static readonly XNamespace Ns = "http://www.ivoa.net/xml/VOTable/v1.3";

    private VoTable(List<XElement> fields, List<string?[]> rows, List<(string Value, string Text)> statuses)
    {
        Fields = fields;
        Rows = rows;
        Statuses = statuses;
    }

    public IReadOnlyList<XElement> Fields { get; }

    public IReadOnlyList<string> Names => [.. Fields.Select(f => (string)f.Attribute("name")!)];

    public IReadOnlyList<string?[]> Rows { get; }

    /// <summary>Every QUERY_STATUS INFO in document order (value and content).</summary>
    public IReadOnlyList<(string Value, string Text)> Statuses { get; }

    public int Column(string name) => Names.ToList().IndexOf(name);

    public static VoTable Parse(string xml)
    {
        var doc = XDocument.Parse(xml);
        var root = doc.Root!;
        Assert.Equal("VOTABLE", root.Name.LocalName);
        Assert.Equal("1.4", (string?)root.Attribute("version"));
        var fields = doc.Descendants(Ns + "FIELD").ToList();
        var statuses = doc.Descendants(Ns + "INFO").Where(i => (string?)i.Attribute("name") == "QUERY_STATUS")
            .Select(i => ((string)i.Attribute("value")!, i.Value)).ToList();
        var rows = doc.Descendants(Ns + "TR").Select(tr => tr.Elements(Ns + "TD").Select(td => td.IsEmpty || td.Value.Length == 0 ? null : td.Value).ToArray()).ToList();
        if (doc.Descendants(Ns + "BINARY2").FirstOrDefault() is { } binary)
        {
            rows = DecodeBinary2(Convert.FromBase64String(binary.Value.Trim()), fields);
        }

        return new VoTable(fields, rows, statuses);
    }

    private static List<string?[]> DecodeBinary2(byte[] data, List<XElement> fields)
    {
        var rows = new List<string?[]>();
        var offset = 0;
        var mask = (fields.Count + 7) / 8;
        while (offset < data.Length)
        {
            var bitmap = data.AsSpan(offset, mask).ToArray();
            offset += mask;
            var row = new string?[fields.Count];
            for (var i = 0; i < fields.Count; i++)
            {
                var isNull = (bitmap[i / 8] & (0x80 >> (i % 8))) != 0;
                var span = data.AsSpan(offset);
                string text;
                switch ((string)fields[i].Attribute("datatype")!)
                {
                    case "long": text = BinaryPrimitives.ReadInt64BigEndian(span).ToString(CultureInfo.InvariantCulture); offset += 8; break;
                    case "int": text = BinaryPrimitives.ReadInt32BigEndian(span).ToString(CultureInfo.InvariantCulture); offset += 4; break;
                    case "short": text = BinaryPrimitives.ReadInt16BigEndian(span).ToString(CultureInfo.InvariantCulture); offset += 2; break;
                    case "double": text = Floating(BinaryPrimitives.ReadDoubleBigEndian(span)); offset += 8; break;
                    case "float": text = Floating(BinaryPrimitives.ReadSingleBigEndian(span)); offset += 4; break;
                    case "boolean": text = ((char)span[0]).ToString(); offset += 1; break;
                    default:
                        var length = BinaryPrimitives.ReadInt32BigEndian(span);
                        text = Encoding.UTF8.GetString(span.Slice(4, length));
                        offset += 4 + length;
                        break;
                }

                row[i] = isNull ? null : text;
            }

            rows.Add(row);
        }

        return rows;
    }

    private static string Floating(double v) => double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture);

    private static string Floating(float v) => float.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture);
}
