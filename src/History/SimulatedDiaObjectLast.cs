using Apdb.Records;
using Apdb.Simulation;
using static Apdb.History.SimulatedNulls;

namespace Apdb.History;

/// <summary>
/// The newest simulated DiaObject version seen as the values of Rubin's <c>DiaObjectLast</c> columns, read by the
/// history's binary COPY through <see cref="DiaObjectLastColumns.WriteCopyRow{TValues}"/>. A NaN time is NULL.
/// </summary>
public readonly ref struct SimulatedDiaObjectLast : IDiaObjectLastValues
{
    private readonly ref readonly DiaObjectRow _row;

    /// <summary>A view of <paramref name="row"/>; the row must outlive it.</summary>
    public SimulatedDiaObjectLast(ref readonly DiaObjectRow row)
    {
        _row = ref row;
    }

    /// <inheritdoc />
    public long DiaObjectId => _row.DiaObjectId;

    /// <inheritdoc />
    public double ValidityStartMjdTai => _row.ValidityStartMjdTai;

    /// <inheritdoc />
    public double? LastDiaSourceMjdTai => NullIfNaN(_row.LastDiaSourceMjdTai);

    /// <inheritdoc />
    public double Ra => _row.Ra;

    /// <inheritdoc />
    public float? RaErr => _row.RaErr;

    /// <inheritdoc />
    public double Dec => _row.Dec;

    /// <inheritdoc />
    public float? DecErr => _row.DecErr;

    /// <inheritdoc />
    public float? RaDecCov => _row.RaDecCov;

    /// <inheritdoc />
    public double? FirstDiaSourceMjdTai => NullIfNaN(_row.FirstDiaSourceMjdTai);

    /// <inheritdoc />
    public int NDiaSources => _row.NDiaSources;

    /// <inheritdoc />
    public long PixelId => _row.PixelId;
}
