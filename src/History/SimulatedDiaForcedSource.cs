using Apdb.Records;
using Apdb.Simulation;

namespace Apdb.History;

/// <summary>
/// A simulated DiaForcedSource seen as the values of Rubin's <c>DiaForcedSource</c> columns: the one map from the
/// simulation's row to the table, read by the history's binary COPY through
/// <see cref="DiaForcedSourceColumns.WriteCopyRow{TValues}"/>.
/// </summary>
public readonly ref struct SimulatedDiaForcedSource : IDiaForcedSourceValues
{
    private readonly ref readonly DiaForcedSourceRow _row;

    /// <summary>A view of <paramref name="row"/>; the row must outlive it.</summary>
    public SimulatedDiaForcedSource(ref readonly DiaForcedSourceRow row)
    {
        _row = ref row;
    }

    /// <inheritdoc />
    public long DiaForcedSourceId => _row.DiaForcedSourceId;

    /// <inheritdoc />
    public long DiaObjectId => _row.DiaObjectId;

    /// <inheritdoc />
    public double Ra => _row.Ra;

    /// <inheritdoc />
    public double Dec => _row.Dec;

    /// <inheritdoc />
    public long Visit => _row.Visit;

    /// <inheritdoc />
    public short Detector => _row.Detector;

    /// <inheritdoc />
    public float? PsfFlux => _row.PsfFlux;

    /// <inheritdoc />
    public float? PsfFluxErr => _row.PsfFluxErr;

    /// <inheritdoc />
    public double MidpointMjdTai => _row.MidpointMjdTai;

    /// <inheritdoc />
    public float? ScienceFlux => _row.ScienceFlux;

    /// <inheritdoc />
    public float? ScienceFluxErr => _row.ScienceFluxErr;

    /// <summary>Column <c>band</c>: the band's letter.</summary>
    public string? Band => SimulatedBands.Name(_row.Band);

    /// <inheritdoc />
    public double TimeProcessedMjdTai => _row.TimeProcessedMjdTai;

    /// <summary>Column <c>timeWithdrawnMjdTai</c>: null, nothing is withdrawn.</summary>
    public double? TimeWithdrawnMjdTai => null;

    /// <inheritdoc />
    public long PixelId => _row.PixelId;
}
