namespace Apdb.Serve.Catalog;

/// <summary>A table ADQL may name: its schema and name, its columns, and the SQL that reads it.</summary>
/// <param name="Schema">The TAP schema it belongs to (<c>apdb</c> or <c>TAP_SCHEMA</c>).</param>
/// <param name="Name">The name a query uses (TAP_SCHEMA.tables.table_name).</param>
/// <param name="Description">What the table holds.</param>
/// <param name="Columns">Its columns in table order.</param>
/// <param name="SqlSource">The PostgreSQL that stands for it in FROM: a quoted table name or a parenthesised VALUES list.</param>
/// <param name="HasPixelIndex">Whether it has a <c>pixelId</c> B-tree (depth-29 HEALPix of ra, dec) that cone searches can probe.</param>
public sealed record TapTable(string Schema, string Name, string Description, IReadOnlyList<TapColumn> Columns, string SqlSource, bool HasPixelIndex)
{
    /// <summary>The column called <paramref name="name"/> by the rules of ADQL identifiers, or null.</summary>
    /// <exception cref="Adql.AdqlException">A regular identifier matches two columns that differ only in case.</exception>
    public TapColumn? Find(Adql.Identifier name)
    {
        TapColumn? found = null;
        foreach (var column in Columns)
        {
            if (!name.Matches(column.Name))
            {
                continue;
            }

            if (found is not null)
            {
                throw new Adql.AdqlException($"column {name} of {Name} is ambiguous: quote it to choose between \"{found.Name}\" and \"{column.Name}\"");
            }

            found = column;
        }

        return found;
    }
}
