namespace Apdb.Serve.Tap;

/// <summary>The result serialisations the service writes.</summary>
public enum OutputFormat
{
    /// <summary>VOTable 1.4 with TABLEDATA (XML cells).</summary>
    VoTableTableData,

    /// <summary>VOTable 1.4 with BINARY2 (base64 rows with a null bitmap).</summary>
    VoTableBinary2,

    /// <summary>Comma-separated values with a header line.</summary>
    Csv,
}
