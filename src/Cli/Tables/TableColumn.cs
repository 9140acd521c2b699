namespace Apdb.Cli.Tables;

/// <summary>
/// One column of an output table: its name, unit and description, and its values as a typed array (<c>long[]</c>,
/// <c>long?[]</c>, <c>int[]</c>, <c>double[]</c>, <c>double?[]</c>, <c>float[]</c>, <c>bool[]</c> or <c>string[]</c>). Null
/// in a <c>long?[]</c> or <c>double?[]</c> is a missing value (empty in the text formats); floating-point NaN is written as NaN.
/// </summary>
internal sealed record TableColumn(string Name, Array Values, string? Unit = null, string? Description = null)
{
    /// <summary>The value of row <paramref name="row"/>, boxed (null when missing; a NaN stays NaN).</summary>
    public object? this[int row] => Values.GetValue(row);

    /// <summary>The element type: long, int, double, float, bool or string (a <c>long?[]</c> column is long, a <c>double?[]</c> one double).</summary>
    public Type ElementType => Values.GetType().GetElementType() is { } t ? Nullable.GetUnderlyingType(t) ?? t : typeof(object);
}
