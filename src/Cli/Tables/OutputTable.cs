namespace Apdb.Cli.Tables;

/// <summary>A table a command writes: columns of equal length, written by <see cref="TableFile"/> in the format its file name asks for.</summary>
internal sealed class OutputTable
{
    private readonly List<TableColumn> _columns = [];

    /// <summary>The number of rows.</summary>
    public int RowCount { get; private set; } = -1;

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<TableColumn> Columns => _columns;

    /// <summary>Adds a column; every column must have the same length.</summary>
    public OutputTable Add(string name, Array values, string? unit = null, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (RowCount >= 0 && values.Length != RowCount)
        {
            throw new ArgumentException($"column {name} has {values.Length} rows, the table {RowCount}", nameof(values));
        }

        RowCount = values.Length;
        _columns.Add(new TableColumn(name, values, unit, description));
        return this;
    }
}
