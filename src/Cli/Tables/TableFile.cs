using Apdb.Sky;

namespace Apdb.Cli.Tables;

/// <summary>
/// The one place output tables are written: the format follows the file's extension (.csv, .ecsv, .parquet, .fits,
/// .vot or .xml), an unknown extension is refused before any work, and the file is written atomically.
/// </summary>
internal static class TableFile
{
    /// <summary>The extensions understood, as a user reads them.</summary>
    public const string Extensions = ".csv, .ecsv, .parquet, .fits, .vot or .xml";

    /// <summary>Whether <paramref name="extension"/> (with its dot, any case) names a format the writer knows.</summary>
    public static bool IsKnown(string extension) => extension.ToLowerInvariant() is ".csv" or ".ecsv" or ".parquet" or ".fits" or ".fit" or ".vot" or ".xml";

    /// <summary>The writer for <paramref name="path"/>'s extension; throws a user error naming <paramref name="option"/> otherwise.</summary>
    public static ITableWriter WriterFor(string path, string option = "--out") => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => new CsvTableWriter(),
        ".ecsv" => new EcsvTableWriter(),
        ".parquet" => new ParquetTableWriter(),
        ".fits" or ".fit" => new FitsTableWriter(),
        ".vot" or ".xml" => new VoTableWriter(),
        var other => throw new ApdbUserException(
            $"{option} {path}: {(other.Length == 0 ? "no extension" : $"unknown extension '{other}'")}; the format follows the extension: {Extensions}"),
    };

    /// <summary>Checks <paramref name="path"/> before any work: a known extension and an existing directory.</summary>
    public static void Check(string path, string option = "--out")
    {
        _ = WriterFor(path, option);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new ApdbUserException($"{option} {path}: the directory {directory} does not exist");
        }
    }

    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/> in the format of its extension, atomically.</summary>
    public static void Write(string path, OutputTable table, string option = "--out")
    {
        Check(path, option);
        var writer = WriterFor(path, option);
        AtomicFile.Write(path, stream => writer.Write(stream, table));
    }
}
