using System.Data.Common;

namespace Apdb;

/// <summary>The rows of a query result as boxed values, for callers that print or serve a result of unknown shape.</summary>
public static class ReaderRows
{
    /// <summary>
    /// Reads every remaining row of <paramref name="reader"/>: one array of <see cref="DbDataReader.FieldCount"/> values a
    /// row, a database NULL as <see langword="null"/>.
    /// </summary>
    public static async Task<List<object?[]>> ReadAllAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }
}
