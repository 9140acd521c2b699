namespace Apdb.Cli.Tables;

/// <summary>
/// The name each text table format gives a column's element type (<see cref="TableColumn.ElementType"/>): ECSV's
/// datatype (astropy) and VOTable's. One table, so the formats cannot disagree on which types they know.
/// </summary>
internal static class TableDatatypes
{
    private static readonly Dictionary<Type, (string Ecsv, string VoTable)> Names = new()
    {
        [typeof(long)] = ("int64", "long"),
        [typeof(int)] = ("int32", "int"),
        [typeof(short)] = ("int16", "short"),
        [typeof(double)] = ("float64", "double"),
        [typeof(float)] = ("float32", "float"),
        [typeof(bool)] = ("bool", "boolean"),
    };

    /// <summary>The ECSV datatype of <paramref name="type"/>; any other type is written as text (<c>string</c>).</summary>
    public static string Ecsv(Type type) => Names.TryGetValue(type, out var names) ? names.Ecsv : "string";

    /// <summary>The VOTable datatype of <paramref name="type"/>; any other type is written as text (<c>char</c>).</summary>
    public static string VoTable(Type type) => Names.TryGetValue(type, out var names) ? names.VoTable : "char";
}
