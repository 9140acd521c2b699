using System.Text;
using Apdb.Serve.Catalog;

namespace Apdb.Serve.Tap;

/// <summary>The VOSI documents of the service: capabilities (with TAPRegExt), tables and availability.</summary>
public static class VosiDocuments
{
    private const string Xsi = "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";

    /// <summary>The capabilities of the TAP service at <paramref name="tapUrl"/> (its base URL, no trailing slash).</summary>
    public static string Capabilities(string tapUrl, ServeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var url = XmlText.Escape(tapUrl);
        var geometry = string.Concat(new[] { "POINT", "CIRCLE", "CONTAINS", "INTERSECTS", "DISTANCE" }.Select(f => $"<feature><form>{f}</form></feature>"));
        var seconds = (long)options.StatementTimeout.TotalSeconds;
        var retention = (long)options.JobRetention.TotalSeconds;
        return $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <vosi:capabilities xmlns:vosi="http://www.ivoa.net/xml/VOSICapabilities/v1.0" xmlns:vs="http://www.ivoa.net/xml/VODataService/v1.1" xmlns:vr="http://www.ivoa.net/xml/VOResource/v1.0" xmlns:tr="http://www.ivoa.net/xml/TAPRegExt/v1.0" {Xsi}>
            <capability standardID="ivo://ivoa.net/std/TAP" xsi:type="tr:TableAccess">
            <interface xsi:type="vs:ParamHTTP" role="std" version="1.1"><accessURL use="base">{url}</accessURL></interface>
            <language><name>ADQL</name><version ivo-id="ivo://ivoa.net/std/ADQL#v2.0">2.0</version><description>ADQL 2.0 translated to PostgreSQL; cones use the HEALPix pixelId index</description><languageFeatures type="ivo://ivoa.net/std/TAPRegExt#features-adqlgeo">{geometry}</languageFeatures></language>
            <outputFormat ivo-id="ivo://ivoa.net/std/TAPRegExt#output-votable-td"><mime>application/x-votable+xml</mime><alias>votable</alias></outputFormat>
            <outputFormat ivo-id="ivo://ivoa.net/std/TAPRegExt#output-votable-binary2"><mime>application/x-votable+xml;serialization=BINARY2</mime><alias>votable/b2</alias></outputFormat>
            <outputFormat><mime>text/csv</mime><alias>csv</alias></outputFormat>
            <retentionPeriod><default>{retention}</default><hard>{retention}</hard></retentionPeriod>
            <executionDuration><default>{seconds}</default><hard>{seconds}</hard></executionDuration>
            <outputLimit><default unit="row">{options.DefaultMaxRec}</default><hard unit="row">{options.HardMaxRec}</hard></outputLimit>
            </capability>
            <capability standardID="ivo://ivoa.net/std/VOSI#capabilities"><interface xsi:type="vs:ParamHTTP"><accessURL use="full">{url}/capabilities</accessURL></interface></capability>
            <capability standardID="ivo://ivoa.net/std/VOSI#availability"><interface xsi:type="vs:ParamHTTP"><accessURL use="full">{url}/availability</accessURL></interface></capability>
            <capability standardID="ivo://ivoa.net/std/VOSI#tables-1.1"><interface xsi:type="vs:ParamHTTP"><accessURL use="full">{url}/tables</accessURL></interface></capability>
            </vosi:capabilities>

            """;
    }

    /// <summary>Availability: whether the database answered a trivial query just now.</summary>
    public static string Availability(bool available, string note) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <vosi:availability xmlns:vosi="http://www.ivoa.net/xml/VOSIAvailability/v1.0"><vosi:available>{(available ? "true" : "false")}</vosi:available><vosi:note>{XmlText.Escape(note)}</vosi:note></vosi:availability>

        """;

    /// <summary>The tableset: every schema, table and column of the catalog, with foreign keys.</summary>
    public static string Tables(TapCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var xml = new StringBuilder();
        xml.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.Append($"<vosi:tableset xmlns:vosi=\"http://www.ivoa.net/xml/VOSITables/v1.0\" xmlns:vs=\"http://www.ivoa.net/xml/VODataService/v1.1\" {Xsi}>\n");
        foreach (var schema in catalog.Tables.GroupBy(t => t.Schema))
        {
            xml.Append("<schema><name>").Append(XmlText.Escape(schema.Key)).Append("</name>\n");
            foreach (var table in schema)
            {
                AppendTable(xml, table, catalog.ForeignKeys.Where(k => k.FromTable == table.Name));
            }

            xml.Append("</schema>\n");
        }

        return xml.Append("</vosi:tableset>\n").ToString();
    }

    private static void AppendTable(StringBuilder xml, TapTable table, IEnumerable<TapForeignKey> keys)
    {
        xml.Append("<table type=\"table\"><name>").Append(XmlText.Escape(table.Name)).Append("</name>");
        xml.Append("<description>").Append(XmlText.Escape(table.Description)).Append("</description>\n");
        foreach (var c in table.Columns)
        {
            xml.Append("<column").Append(table.Schema == TapCatalog.TapSchema ? " std=\"true\"" : string.Empty).Append("><name>").Append(XmlText.Escape(AdqlReservedWords.AsListed(c.Name))).Append("</name>");
            if (c.Description.Length > 0)
            {
                xml.Append("<description>").Append(XmlText.Escape(c.Description)).Append("</description>");
            }

            if (c.Unit is not null)
            {
                xml.Append("<unit>").Append(XmlText.Escape(c.Unit)).Append("</unit>");
            }

            if (c.Ucd is not null)
            {
                xml.Append("<ucd>").Append(XmlText.Escape(c.Ucd)).Append("</ucd>");
            }

            xml.Append("<dataType xsi:type=\"vs:VOTableType\"").Append(c.Arraysize is null ? string.Empty : $" arraysize=\"{c.Arraysize}\"")
                .Append(c.Xtype is null ? string.Empty : $" extendedType=\"{c.Xtype}\"").Append('>').Append(c.DataType).Append("</dataType>");
            if (c.Indexed)
            {
                xml.Append("<flag>indexed</flag>");
            }

            if (c.Principal)
            {
                xml.Append("<flag>principal</flag>");
            }

            if (c.Nullable)
            {
                xml.Append("<flag>nullable</flag>");
            }

            xml.Append("</column>\n");
        }

        foreach (var key in keys)
        {
            xml.Append("<foreignKey><targetTable>").Append(XmlText.Escape(key.TargetTable)).Append("</targetTable><fkColumn><fromColumn>")
                .Append(XmlText.Escape(AdqlReservedWords.AsListed(key.FromColumn))).Append("</fromColumn><targetColumn>").Append(XmlText.Escape(AdqlReservedWords.AsListed(key.TargetColumn)))
                .Append("</targetColumn></fkColumn><description>").Append(XmlText.Escape(key.Description)).Append("</description></foreignKey>\n");
        }

        xml.Append("</table>\n");
    }
}
