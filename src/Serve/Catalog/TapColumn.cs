namespace Apdb.Serve.Catalog;

/// <summary>One column as TAP_SCHEMA.columns and /tap/tables describe it.</summary>
/// <param name="Name">The column's name, exactly as in the database.</param>
/// <param name="Description">What the column holds.</param>
/// <param name="Unit">VOUnit string, or null.</param>
/// <param name="Ucd">UCD, or null.</param>
/// <param name="DataType">VOTable datatype (long, int, short, double, float, boolean, char).</param>
/// <param name="Arraysize">VOTable arraysize (<c>*</c> for strings), or null for scalars.</param>
/// <param name="Xtype">VOTable xtype (<c>timestamp</c>), or null.</param>
/// <param name="Indexed">Whether a B-tree leads with this column.</param>
/// <param name="Principal">Whether the column is among the few a user looks at first.</param>
/// <param name="Nullable">Whether the column may hold NULL.</param>
public sealed record TapColumn(
    string Name,
    string Description,
    string? Unit,
    string? Ucd,
    string DataType,
    string? Arraysize,
    string? Xtype,
    bool Indexed,
    bool Principal,
    bool Nullable);
