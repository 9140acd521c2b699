namespace Apdb.Cli.Tables;

/// <summary>Writes an <see cref="OutputTable"/> in one file format.</summary>
internal interface ITableWriter
{
    /// <summary>Writes the whole table to <paramref name="stream"/>.</summary>
    void Write(Stream stream, OutputTable table);
}
